"""Lab pages: who may see what, starting checks, following a run with and without htmx."""

import html
import socket

import pytest
from django.urls import reverse

from quizapp.lab import services
from quizapp.lab.models import LabMailbox, LabNetwork, LabRun, PortCheck
from quizapp.lab.server.tls import ensure_certificate
from tests.lab import conftest_web as web

fresh_rate_limits = web.fresh_rate_limits
idle_runner = web.idle_runner
in_english = web.in_english
lab_data_dir = web.lab_data_dir
make_lab = web.make_lab
superuser = web.superuser
sync_runner = web.sync_runner
pytestmark = pytest.mark.django_db


def port_map_answers(lab, protocol="smtp", security="starttls") -> dict:
    answers = {}
    for port in lab.ports():
        answers[f"protocol_{port}"] = protocol
        answers[f"security_{port}"] = security
    return answers


def check_url(lab, kind="port_map") -> str:
    return reverse("lab:check", kwargs={"pk": lab.pk, "kind": kind})


def make_run(user, lab, **fields) -> LabRun:
    return LabRun.objects.create(user=user, lab=lab, kind=LabRun.Kind.PORT_MAP, **fields)


# Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lab:index", "lab:trainer_labs", "grouplabs:runs"])
def test_it_sends_visitors_to_log_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_lists_only_active_labs_to_a_trainee(client, trainee, make_lab):
    make_lab("Open lab")
    make_lab("Closed lab", active=False)
    client.force_login(trainee)

    response = client.get(reverse("lab:index"))

    assert [lab.name for lab in response.context["labs"]] == ["Open lab"]
    assert 'aria-current="page"' in response.text


def test_it_hides_an_inactive_lab_page(client, trainee, make_lab):
    lab = make_lab(active=False)
    client.force_login(trainee)

    assert client.get(lab.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("name", ["lab:trainer_labs", "grouplabs:runs", "lab:trainer_lab_create"])
def test_it_refuses_trainer_pages_to_a_trainee(client, trainee, name):
    client.force_login(trainee)

    assert client.get(reverse(name)).status_code == 403


def test_a_trainer_lists_and_edits_only_their_own_labs(client, trainer, other_trainer, make_lab):
    mine = make_lab("Mine")
    theirs = make_lab("Theirs", created_by=other_trainer)
    client.force_login(trainer)

    listed = client.get(reverse("lab:trainer_labs")).context["labs"]
    own_edit = client.get(reverse("lab:trainer_lab_edit", kwargs={"pk": mine.pk}))
    other_edit = client.get(reverse("lab:trainer_lab_edit", kwargs={"pk": theirs.pk}))

    assert [lab.name for lab in listed] == ["Mine"]
    assert own_edit.status_code == 200
    assert other_edit.status_code == 404


def test_a_superuser_edits_any_lab(client, superuser, other_trainer, make_lab):
    theirs = make_lab("Theirs", created_by=other_trainer)
    client.force_login(superuser)

    response = client.get(reverse("lab:trainer_lab_edit", kwargs={"pk": theirs.pk}))

    assert response.status_code == 200
    assert "embedded" in response.context["form"].fields


def test_a_trainer_creates_a_lab_they_own_but_cannot_make_it_embedded(client, trainer):
    LabNetwork.objects.create(network="192.168.12.0/24")  # opened by an administrator
    client.force_login(trainer)
    data = {
        "name": "Salle 12",
        "host": "192.168.12.10",
        "allowed_networks": "192.168.12.0/24",
        "domain": "salle12.example",
        "submission_port": "587",
        "imaps_port": "993",
        "embedded": "on",
        "active": "on",
    }

    response = client.post(reverse("lab:trainer_lab_create"), data)

    assert response.status_code == 302
    lab = trainer.labs_created.get()
    assert (lab.name, lab.ports(), lab.embedded) == ("Salle 12", [587, 993], False)


def test_a_lab_form_with_its_host_outside_the_networks_is_shown_again(client, trainer):
    client.force_login(trainer)
    data = {
        "name": "Bad",
        "host": "192.0.2.1",
        "allowed_networks": "192.168.12.0/24",
        "domain": "bad.example",
        "relay_port": "25",
    }

    response = client.post(reverse("lab:trainer_lab_create"), data)

    assert response.status_code == 400
    assert "outside the allowed networks" in response.text
    assert not trainer.labs_created.exists()


# The lab page ----------------------------------------------------------------------------------


def test_the_embedded_lab_page_shows_the_mailbox_password_and_fingerprint(
    client,
    trainee,
    make_lab,
    lab_data_dir,
):
    lab = make_lab(embedded=True, submission_port=2587, imap_port=2143, pop3_port=2110)
    ensure_certificate(lab_data_dir, "mail.lab.facteur.test")
    client.force_login(trainee)

    response = client.get(lab.get_absolute_url())

    mailbox = LabMailbox.objects.get(user=trainee, lab=lab)
    assert mailbox.password in response.text
    assert mailbox.send_token in response.text
    assert response.context["fingerprint"].count(":") == 31
    assert response.context["fingerprint"] in response.text
    assert "openssl s_client -starttls smtp -connect 127.0.0.1:2587 -crlf -ign_eof" in response.text
    assert "no-store" in response["Cache-Control"]


def test_the_port_map_form_names_fields_by_port_never_by_service(client, trainee, make_lab):
    lab = make_lab(relay_port=2525, imaps_port=2993)
    client.force_login(trainee)

    response = client.get(lab.get_absolute_url())

    assert 'name="protocol_2525"' in response.text
    assert 'name="security_2993"' in response.text
    assert "relay" not in response.text.split('id="port-map"')[1].split("</form>")[0]


def test_a_lab_that_is_not_embedded_tells_the_trainee_they_have_no_mailbox(
    client, trainee, make_lab
):
    client.force_login(trainee)

    response = client.get(make_lab().get_absolute_url())

    assert response.context["mailbox"] is None
    assert "no mailbox on this lab yet" in response.text


# Starting checks -------------------------------------------------------------------------------


def test_an_incomplete_port_map_is_refused_with_the_form_again(client, trainee, make_lab):
    lab = make_lab(relay_port=2525, imap_port=2143)
    client.force_login(trainee)

    response = client.post(check_url(lab), {"protocol_2525": "smtp"})

    assert response.status_code == 400
    assert "every port" in response.text
    assert not LabRun.objects.exists()


def test_an_unknown_exercise_is_not_found(client, trainee, make_lab, idle_runner):
    client.force_login(trainee)

    assert client.post(check_url(make_lab(), "nmap")).status_code == 404
    assert idle_runner == []


def test_a_check_is_stored_and_handed_to_the_runner_without_waiting(
    client,
    trainee,
    make_lab,
    idle_runner,
):
    lab = make_lab(relay_port=2525, imaps_port=2993)
    client.force_login(trainee)

    response = client.post(check_url(lab), port_map_answers(lab))

    run = LabRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert idle_runner == [run.pk]
    assert run.status == LabRun.Status.PENDING
    assert run.answers["2993"] == {"protocol": "smtp", "security": "starttls"}
    assert [(c.port, c.service) for c in run.ports.all()] == [(2525, "relay"), (2993, "imaps")]


def test_the_seventh_check_in_a_minute_is_refused_with_429_and_a_message(
    client,
    trainee,
    make_lab,
    idle_runner,
):
    lab = make_lab()
    client.force_login(trainee)
    statuses = []
    for _ in range(services.RATE_LIMIT + 1):
        statuses.append(client.post(check_url(lab), port_map_answers(lab)).status_code)
        LabRun.objects.update(status=LabRun.Status.DONE)  # each check done before the next

    refused = client.post(check_url(lab), port_map_answers(lab))

    assert statuses == [302] * services.RATE_LIMIT + [429]
    assert refused.status_code == 429
    assert "6 checks in the last minute" in refused.text
    assert len(idle_runner) == services.RATE_LIMIT


def test_the_rate_limit_is_per_trainee(client, trainee, other_trainee, make_lab, idle_runner):
    lab = make_lab()
    client.force_login(trainee)
    for _ in range(services.RATE_LIMIT):
        client.post(check_url(lab), port_map_answers(lab))
        LabRun.objects.update(status=LabRun.Status.DONE)
    client.force_login(other_trainee)

    assert client.post(check_url(lab), port_map_answers(lab)).status_code == 302


def test_a_second_check_waits_for_the_first_to_finish(client, trainee, make_lab, idle_runner):
    lab = make_lab()
    client.force_login(trainee)
    client.post(check_url(lab), port_map_answers(lab))

    response = client.post(check_url(lab), port_map_answers(lab))

    assert response.status_code == 409
    assert "still running" in response.text
    assert len(idle_runner) == 1


def test_mailbox_exercises_need_a_mailbox(client, trainee, make_lab, idle_runner):
    lab = make_lab(imaps_port=2993)
    client.force_login(trainee)

    response = client.post(check_url(lab, "send_fetch"))

    assert response.status_code == 400
    assert "no mailbox on this lab" in response.text
    assert idle_runner == []


def test_a_lab_resolving_outside_its_networks_is_refused_before_any_connection(
    client,
    trainee,
    make_lab,
    sync_runner,
):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        LabNetwork.objects.create(network="192.0.2.0/24")
        lab = make_lab(host="localhost", allowed_networks="192.0.2.0/24", relay_port=port)
        client.force_login(trainee)

        response = client.post(check_url(lab), port_map_answers(lab), follow=True)

        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody ever connected
    run = LabRun.objects.get()
    assert (run.status, run.error) == (LabRun.Status.ERROR, "not_allowed")
    assert "outside this lab's addresses" in html.unescape(response.text)


# Following a run -------------------------------------------------------------------------------


def test_another_trainees_run_is_not_found(client, trainee, other_trainee, make_lab):
    run = make_run(other_trainee, make_lab())
    client.force_login(trainee)

    assert client.get(run.get_absolute_url()).status_code == 404


def test_a_trainer_sees_the_runs_of_their_groups_trainees(
    client, trainer, trainee, other_trainee, make_lab
):
    from quizapp.groups.models import Group, Membership

    group = Group.objects.create(name="G", created_by=trainer)
    group.trainers.add(trainer)
    Membership.objects.create(group=group, trainee=trainee)
    lab = make_lab()
    runs = [make_run(trainee, lab), make_run(other_trainee, lab)]
    client.force_login(trainer)

    listed = client.get(reverse("grouplabs:runs")).context["page"].object_list
    page = client.get(runs[0].get_absolute_url())

    assert {run.pk for run in listed} == {runs[0].pk}
    assert page.status_code == 200
    assert "alice" in page.text
    assert client.get(runs[1].get_absolute_url()).status_code == 404


def test_a_pending_run_page_works_without_javascript(client, trainee, make_lab):
    run = make_run(trainee, make_lab())
    client.force_login(trainee)

    response = client.get(run.get_absolute_url())

    assert response.status_code == 200
    assert "<html" in response.text
    assert "<noscript>" in response.text
    assert "Refresh the results" in response.text
    assert "Waiting in the queue" in response.text


def test_htmx_polls_a_fragment_that_asks_again_every_second(client, trainee, make_lab):
    lab = make_lab()
    run = make_run(trainee, lab, status=LabRun.Status.RUNNING)
    PortCheck.objects.create(run=run, position=0, port=2525, service="relay")
    client.force_login(trainee)

    response = client.get(run.get_absolute_url(), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'hx-trigger="every 1s"' in response.text
    assert f"?v={response.context['version']}" in response.text
    assert "0 of 1 ports done" in response.text
    assert "HX-Request" in response["Vary"]


def test_htmx_gets_no_content_while_nothing_changed(client, trainee, make_lab):
    run = make_run(trainee, make_lab(), status=LabRun.Status.RUNNING)
    client.force_login(trainee)
    htmx = {"HX-Request": "true"}
    first = client.get(run.get_absolute_url(), headers=htmx)

    same = client.get(f"{run.get_absolute_url()}?v={first.context['version']}", headers=htmx)

    assert same.status_code == 204
    assert same.content == b""


def test_htmx_polling_stops_with_286_and_the_final_results(client, trainee, make_lab):
    run = make_run(trainee, make_lab(), status=LabRun.Status.DONE, grade=0.5)
    client.force_login(trainee)

    response = client.get(f"{run.get_absolute_url()}?v=running-0", headers={"HX-Request": "true"})

    assert response.status_code == 286
    assert "Check finished: 50 %" in response.text
    assert "hx-trigger" not in response.text


def test_a_run_whose_worker_was_lost_ends_as_expired(client, trainee, make_lab):
    run = make_run(trainee, make_lab())
    LabRun.objects.filter(pk=run.pk).update(created_at=run.created_at.replace(year=2020))
    client.force_login(trainee)

    response = client.get(run.get_absolute_url())

    assert "never finished" in response.text
    assert LabRun.objects.get().status == LabRun.Status.ERROR


def test_the_lab_page_lists_the_trainees_own_runs_only(client, trainee, other_trainee, make_lab):
    lab = make_lab()
    mine = make_run(trainee, lab, status=LabRun.Status.DONE, grade=1.0)
    make_run(other_trainee, lab)
    client.force_login(trainee)

    runs = client.get(lab.get_absolute_url()).context["runs"]

    assert list(runs) == [mine]
