"""Fixtures for the lab's web tests; test modules import the ones they use.

Kept out of conftest.py so that the prober and server tests stay free of
database fixtures.
"""

import pytest
from django.core.cache import cache
from django.utils import translation

from quizapp.accounts.models import User
from quizapp.lab import runner
from quizapp.lab.models import LabServer

DOMAIN = "lab.facteur.test"


@pytest.fixture(autouse=True)
def lab_data_dir(settings, tmp_path):
    """Give each test its own embedded lab data directory."""
    settings.LAB_DATA_DIR = tmp_path / "lab-data"
    return settings.LAB_DATA_DIR


@pytest.fixture(autouse=True)
def in_english():
    """Speak English, so that tests read English messages (French is the site default)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sync_runner(monkeypatch):
    """Run checks at once, in the request's thread and transaction."""
    monkeypatch.setattr(runner, "submit", runner.execute_run)


@pytest.fixture
def idle_runner(monkeypatch):
    """Accept checks and never run them: runs stay pending."""
    submitted = []
    monkeypatch.setattr(runner, "submit", submitted.append)
    return submitted


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "secret-pass-5")


@pytest.fixture
def make_lab(trainer, settings):
    """Return a function creating an active loopback lab owned by `trainer`.

    Test servers listen on free ports, which are no mail ports: each lab's own
    are added to LAB_EXTRA_PORTS, as an administrator would for a lab on 2525.
    """

    def build(name="Lab A", *, created_by=None, **fields) -> LabServer:
        values = {
            "host": "127.0.0.1",
            "allowed_networks": "127.0.0.1/32",
            "domain": DOMAIN,
            "created_by": created_by or trainer,
            **fields,
        }
        if not any(key.endswith("_port") for key in fields):
            values["relay_port"] = 2525
        lab = LabServer.objects.create(name=name, **values)
        settings.LAB_EXTRA_PORTS = [*settings.LAB_EXTRA_PORTS, *lab.ports()]
        return lab

    return build
