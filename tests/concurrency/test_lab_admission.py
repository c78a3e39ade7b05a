"""Lab checks are admitted by the database: one unfinished at a time, six a minute, in total.

Issue 8.5: 20 simultaneous check requests created 4 to 7 runs where one is allowed,
and the minute's budget lived in each process's memory (4 processes: 4 x 6).
"""

import re
import socket
import threading

import pytest

from tests.livesite import live_site


@pytest.fixture(scope="module")
def tarpit():
    """A loopback port that accepts connections and never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield sock.getsockname()[1]


def _seed(tarpit_port: int, closed_port: int) -> str:
    return f"""
from quizapp.accounts.models import User
from quizapp.lab.models import LabServer
for name, port in (("Tarpit", {tarpit_port}), ("Closed", {closed_port})):
    LabServer.objects.create(name=name, host="127.0.0.1", allowed_networks="127.0.0.0/8",
        domain="lab.facteur.test", relay_port=port, embedded=True)
User.objects.create_user("labrace", password="labrace-pass-2026", role="trainee")
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, tarpit):
    with socket.socket() as sock:  # a port with nobody listening: checks end at once
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with live_site(tmp_path_factory.mktemp("lab"), seed=_seed(tarpit, closed)) as site:
        site.serve()  # a second web process on the same database
        yield site


def _lab(site, name: str) -> tuple[int, int]:
    return tuple(
        site.python(
            "import json; from quizapp.lab.models import LabServer as L\n"
            f"lab = L.objects.get(name={name!r}); print(json.dumps([lab.pk, lab.relay_port]))"
        )
    )


def _answers(port: int) -> dict:
    return {f"protocol_{port}": "smtp", f"security_{port}": "starttls"}


def test_twenty_simultaneous_checks_admit_exactly_one(site, tarpit):
    lab, port = _lab(site, "Tarpit")
    browser = site.browser()
    browser.login("labrace", "labrace-pass-2026")
    barrier = threading.Barrier(20)
    statuses = []

    def check():
        barrier.wait()
        status, _body, _url = browser.post(f"/lab/{lab}/check/port_map/", _answers(port))
        statuses.append(status)

    threads = [threading.Thread(target=check) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    runs = site.python(
        "import json; from quizapp.lab.models import LabRun\n"
        "print(json.dumps(LabRun.objects.filter(user__username='labrace').count()))"
    )
    assert runs == 1
    assert sorted(statuses) == [200] + [409] * 19


WAIT_FOR_CHECKS = """
import json, time
from quizapp.lab.models import LabRun
deadline = time.monotonic() + 30
while LabRun.objects.unfinished().exists() and time.monotonic() < deadline:
    time.sleep(0.1)
print(json.dumps(LabRun.objects.unfinished().count()))
"""


def test_the_minute_budget_is_shared_by_every_web_process(site):
    site.python("from quizapp.lab.models import LabRun; LabRun.objects.all().delete(); print(0)")
    lab, port = _lab(site, "Closed")
    first, second = (site.browser(f"http://127.0.0.1:{p}") for _s, p in site.servers)
    for browser in (first, second):
        browser.login("labrace", "labrace-pass-2026")
    statuses = []
    for number in range(8):
        browser = (first, second)[number % 2]
        status, body, _url = browser.post(f"/lab/{lab}/check/port_map/", _answers(port))
        statuses.append(status)
        assert site.python(WAIT_FOR_CHECKS) == 0
    assert statuses == [200] * 6 + [429] * 2
    assert re.search(r"6 (checks|vérifications)", body)
