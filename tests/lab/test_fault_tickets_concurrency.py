"""Two clicks at once on « Give me a ticket », and two trainees at once: real threads."""

import threading

import pytest
from django.db import connection

from quizapp.accounts.models import User
from quizapp.lab.faults import services
from quizapp.lab.faults.models import FaultTicket
from quizapp.lab.models import LabServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lab(settings, tmp_path):
    settings.LAB_DATA_DIR = tmp_path / "lab"
    settings.LAB_FAULT_FIRST_PORT = 2600
    settings.LAB_FAULT_PORT_COUNT = 2
    return LabServer.objects.create(
        name="Labo local",
        host="127.0.0.1",
        allowed_networks="127.0.0.0/8",
        domain="lab.test",
        embedded=True,
        relay_port=2525,
    )


def at_once(*calls) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # reported to the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_a_double_click_leaves_one_open_ticket(lab):
    trainee = User.objects.create_user("ana", password="a-long-pass-1")

    errors = at_once(*[lambda: services.open_ticket(user=trainee, lab=lab)] * 2)

    assert errors == []
    assert FaultTicket.objects.open().filter(user=trainee).count() == 1


def test_two_trainees_at_once_get_two_ports(lab):
    ana = User.objects.create_user("ana", password="a-long-pass-1")
    ben = User.objects.create_user("ben", password="a-long-pass-2")

    errors = at_once(
        lambda: services.open_ticket(user=ana, lab=lab),
        lambda: services.open_ticket(user=ben, lab=lab),
    )

    assert errors == []
    ports = set(FaultTicket.objects.open().values_list("port", flat=True))
    assert ports == {2600, 2601}


def test_a_full_range_is_refused_with_a_message(lab):
    for name in ("ana", "ben"):
        services.open_ticket(user=User.objects.create_user(name), lab=lab)

    with pytest.raises(services.lab_services.CheckRefused) as refused:
        services.open_ticket(user=User.objects.create_user("cleo"), lab=lab)

    assert refused.value.status == 503
    assert FaultTicket.objects.open().count() == 2
