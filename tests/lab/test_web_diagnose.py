"""Exercise 4 on the site: a ticket of one's own, an answer graded with the evidence, mastery."""

import random
import socket
import time

import pytest
from django.urls import reverse

from course.models import Topic
from quizapp.adaptive.models import LearnerModel
from quizapp.lab.faults import services
from quizapp.lab.faults.endpoints import read_endpoints
from quizapp.lab.faults.models import FaultTicket
from quizapp.lab.models import LabRun
from tests.lab import conftest_server
from tests.lab import conftest_web as web
from tests.lab.conftest_server import HOST, free_ports

fresh_rate_limits = web.fresh_rate_limits
in_english = web.in_english
make_lab = web.make_lab
sync_runner = web.sync_runner
idle_runner = web.idle_runner
lab_server = conftest_server.lab_server
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lab_data_dir(settings, lab_server):
    """The site and the running lab server share one data directory, as under make run."""
    settings.LAB_DATA_DIR = lab_server.data_dir
    settings.LAB_FAULT_FIRST_PORT = free_ports(1)[0]
    settings.LAB_FAULT_PORT_COUNT = 1
    settings.LAB_FAULT_GREETING_DELAY = 0.5
    return lab_server.data_dir


@pytest.fixture
def lab(make_lab, lab_server):
    ports = {f"{key}_port": lab_server.port(key) for key in lab_server.ports if key != "smtp"}
    return make_lab("Labo local", embedded=True, relay_port=lab_server.port("smtp"), **ports)


def wait_listening(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"port {port} never listened")


def give(trainee, lab, fault: str) -> FaultTicket:
    with services.transaction.atomic():
        ticket = services.open_ticket(user=trainee, lab=lab, fault=fault)
    services.publish_endpoints()  # on_commit does not run inside the test's transaction
    wait_listening(ticket.port)
    return ticket


def answer_url(lab) -> str:
    return reverse("lab:diagnose", kwargs={"pk": lab.pk})


def test_a_trainee_draws_a_ticket_with_an_endpoint_of_their_own(client, trainee, lab, lab_data_dir):
    client.force_login(trainee)

    response = client.post(reverse("lab:new_ticket", kwargs={"pk": lab.pk}))

    assert response.status_code == 302 and response["Location"].endswith("#diagnose")
    ticket = FaultTicket.objects.open().get(user=trainee)
    services.publish_endpoints()
    assert (
        read_endpoints(lab.mailboxes.get().lab and services.lab_services.data_dir())[ticket.port][
            "fault"
        ]
        == ticket.fault
    )
    page = client.get(lab.get_absolute_url()).text
    assert f"Ticket {ticket.pk}" in page and str(ticket.port) in page


def test_the_ticket_page_gives_no_answer_away(client, trainee, lab):
    ticket = give(trainee, lab, "cert_name")
    client.force_login(trainee)

    page = client.get(lab.get_absolute_url()).text

    assert ticket.params["certificate_name"] not in page
    assert "Certificate for another name" not in page


def test_a_new_ticket_draws_another_fault_and_closes_the_old_one(trainee, lab):
    first = services.open_ticket(user=trainee, lab=lab, rng=random.Random(1))
    second = services.open_ticket(user=trainee, lab=lab, rng=random.Random(1))

    first.refresh_from_db()
    assert first.closed_at is not None and second.closed_at is None
    assert second.fault != first.fault
    assert FaultTicket.objects.open().filter(user=trainee).count() == 1


def test_a_right_diagnosis_scores_full_marks_with_its_proof_and_feeds_mastery(
    client, trainee, lab, sync_runner
):
    Topic.objects.create(slug="diagnostics", name_fr="Diagnostic")
    ticket = give(trainee, lab, "relay_denied")
    client.force_login(trainee)

    response = client.post(
        answer_url(lab),
        {
            "ticket": ticket.pk,
            "diagnosis": "relay_denied",
            "setting": "port",
            "value": str(lab.submission_port),
        },
    )

    run = LabRun.objects.get(kind=LabRun.Kind.DIAGNOSE)
    assert response["Location"] == run.get_absolute_url()
    assert (run.status, run.grade) == (LabRun.Status.DONE, 1.0)
    page = client.get(run.get_absolute_url()).text
    assert "◀ proof" in page and "554 5.7.1" in page and "Relay access denied" in page
    model = LearnerModel.objects.get(learner__user=trainee)
    assert model.answers == 1 and "diagnostics" in str(model.state["engine"]["topics"])


def test_a_wrong_guess_gets_half_or_nothing_and_the_right_answer_after(
    client, trainee, lab, sync_runner
):
    ticket = give(trainee, lab, "password_expired")
    client.force_login(trainee)

    client.post(
        answer_url(lab),
        {"ticket": ticket.pk, "diagnosis": "wrong_password", "setting": "password"},
    )

    run = LabRun.objects.get(kind=LabRun.Kind.DIAGNOSE)
    assert run.grade == 0.5
    page = client.get(run.get_absolute_url()).text
    assert "password expired" in page  # the 535 line, as evidence
    assert "has expired. Typing it again will not help" in page


def test_each_trainee_answers_only_their_own_ticket(client, trainee, other_trainee, lab):
    ticket = give(other_trainee, lab, "over_quota")
    client.force_login(trainee)

    response = client.post(
        answer_url(lab),
        {"ticket": ticket.pk, "diagnosis": "over_quota", "setting": "mailbox_space"},
    )

    assert response.status_code == 409
    assert not LabRun.objects.exists()


def test_an_incomplete_answer_is_refused_with_a_message(client, trainee, lab, idle_runner):
    ticket = give(trainee, lab, "over_quota")
    client.force_login(trainee)

    response = client.post(answer_url(lab), {"ticket": ticket.pk, "setting": "port"})

    assert response.status_code == 400
    assert "Say what is wrong" in response.text
    assert idle_runner == []


def test_the_generic_check_address_does_not_start_a_diagnosis(client, trainee, lab):
    client.force_login(trainee)

    url = reverse("lab:check", kwargs={"pk": lab.pk, "kind": "diagnose"})

    assert client.post(url).status_code == 404


def test_a_trainer_picks_a_trainees_fault(client, trainer, trainee, lab):
    services.lab_services.mailbox_for(user=trainee, lab=lab)
    client.force_login(trainer)
    url = reverse("lab:trainer_tickets", kwargs={"pk": lab.pk})

    assert client.get(url).status_code == 200
    response = client.post(url, {"user": trainee.pk, "fault": "slow_greeting"})

    assert response.status_code == 302
    ticket = FaultTicket.objects.open().get(user=trainee)
    assert (ticket.fault, ticket.assigned_by, ticket.params["delay"]) == (
        "slow_greeting",
        trainer,
        0.5,
    )
    client.force_login(trainee)
    assert "picked by your trainer" in client.get(lab.get_absolute_url()).text


@pytest.mark.parametrize("persona", ["visitor", "trainee", "other_trainee"])
def test_only_trainers_reach_the_tickets_page(client, persona, request, lab):
    url = reverse("lab:trainer_tickets", kwargs={"pk": lab.pk})
    if persona != "visitor":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(url)

    assert response.status_code == (302 if persona == "visitor" else 403)


@pytest.mark.parametrize("name", ["lab:new_ticket", "lab:diagnose"])
def test_visitors_are_sent_to_log_in(client, lab, name):
    response = client.post(reverse(name, kwargs={"pk": lab.pk}))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_no_ticket_on_a_lab_that_is_not_embedded(client, trainee, make_lab):
    outside = make_lab("Outside")
    client.force_login(trainee)

    assert client.post(reverse("lab:new_ticket", kwargs={"pk": outside.pk})).status_code == 404
