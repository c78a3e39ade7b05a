"""Port-map checks from the web side, against fake servers on loopback, run synchronously."""

import asyncio
import html
import threading

import pytest
from django.urls import reverse

from quizapp.lab import checks, runner
from quizapp.lab.models import LabRun
from quizapp.lab.probe import PortTarget
from tests.lab import conftest_web as web

from . import fakeservers as fake
from .background import serving

fresh_rate_limits = web.fresh_rate_limits
in_english = web.in_english
lab_data_dir = web.lab_data_dir
make_lab = web.make_lab
sync_runner = web.sync_runner
pytestmark = pytest.mark.django_db


async def hostile_banner(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """An SMTP server whose greeting tries to inject markup into the page."""
    writer.write(b"220 <script>alert('x')</script> ESMTP <b>bold</b>\r\n")
    await fake.smtp_commands(reader, writer)


def answer(form: dict, port: int, protocol: str, security: str) -> None:
    form[f"protocol_{port}"] = protocol
    form[f"security_{port}"] = security


@pytest.fixture
def three_port_lab(make_lab, tls_context):
    """A lab with SMTP+STARTTLS, IMAP over implicit TLS and a closed port, all on loopback."""
    closed = fake.closed_port()
    smtp = (fake.smtp(tls_context), None)
    imaps = (fake.imap(tls_context, implicit=True), tls_context)
    with serving(smtp, imaps) as (smtp_port, imaps_port):
        lab = make_lab(relay_port=smtp_port, imaps_port=imaps_port, pop3_port=closed)
        yield lab, smtp_port, imaps_port, closed


def test_a_port_map_is_probed_graded_per_port_and_stored(
    client,
    trainee,
    three_port_lab,
    sync_runner,
):
    lab, smtp_port, imaps_port, closed = three_port_lab
    form = {}
    answer(form, smtp_port, "smtp", "starttls")  # right
    answer(form, imaps_port, "imap", "plaintext")  # protocol right, security wrong
    answer(form, closed, "none", "closed")  # right
    client.force_login(trainee)

    response = client.post(reverse("lab:check", kwargs={"pk": lab.pk, "kind": "port_map"}), form)
    page = client.get(response["Location"])

    run = LabRun.objects.get()
    scores = {check.port: check.score for check in run.ports.all()}
    assert run.status == LabRun.Status.DONE
    assert run.grade == pytest.approx(5 / 6)
    assert scores == {smtp_port: 1.0, imaps_port: 0.5, closed: 1.0}
    assert all(check.done and check.transcript for check in run.ports.all())
    assert "Check finished: 83 %" in page.text
    assert "TLS from the start (implicit TLS)" in page.text
    assert "STARTTLS" in page.text


def test_the_run_page_explains_reply_codes_and_shows_the_dialogue(
    client,
    trainee,
    three_port_lab,
    sync_runner,
):
    lab, smtp_port, imaps_port, closed = three_port_lab
    form = {}
    for port in (smtp_port, imaps_port, closed):
        answer(form, port, "smtp", "plaintext")
    client.force_login(trainee)

    response = client.post(
        reverse("lab:check", kwargs={"pk": lab.pk, "kind": "port_map"}), form, follow=True
    )

    text = html.unescape(response.text)
    assert "S: 220 lab.test ESMTP Postfix (Debian/GNU)" in text
    assert "C: EHLO" in text
    assert "[TLS] " in text
    assert "The server is ready" in text  # 220 explained
    assert "Connection refused." in text  # the closed port's note, translated
    assert "Nothing listens on this port" in text


def test_server_text_is_escaped_on_the_run_page(client, trainee, make_lab, sync_runner):
    with serving((hostile_banner, None)) as [port]:
        lab = make_lab(relay_port=port)
        client.force_login(trainee)
        form = {}
        answer(form, port, "smtp", "plaintext")

        response = client.post(
            reverse("lab:check", kwargs={"pk": lab.pk, "kind": "port_map"}), form, follow=True
        )

    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.text
    assert "<b>bold</b>" not in response.text


def test_each_port_is_saved_as_it_arrives_in_the_callers_thread(db, make_lab, tls_context):
    saved = []
    closed = fake.closed_port()
    with serving((fake.silent, None)) as [silent]:
        targets = [PortTarget("127.0.0.1", closed), PortTarget("127.0.0.1", silent)]

        results = checks.probe_streaming(
            targets,
            lambda result: saved.append((result.port, threading.current_thread())),
            allowed_networks=["127.0.0.1/32"],
            per_port_timeout=1.0,
        )

    here = threading.current_thread()
    assert saved == [(closed, here), (silent, here)]  # the closed port first, both saved here
    assert [result.port for result in results] == [closed, silent]


def test_a_port_cut_off_by_the_run_deadline_is_still_stored(
    client,
    trainee,
    make_lab,
    sync_runner,
    monkeypatch,
):
    monkeypatch.setattr(checks, "RUN_DEADLINE", 0.5)
    with serving((fake.silent, None)) as [port]:
        lab = make_lab(relay_port=port)
        client.force_login(trainee)
        form = {}
        answer(form, port, "smtp", "plaintext")

        client.post(reverse("lab:check", kwargs={"pk": lab.pk, "kind": "port_map"}), form)

    run = LabRun.objects.get()
    [check] = run.ports.all()
    assert run.status == LabRun.Status.DONE
    assert check.done
    assert check.result["error"] == "deadline"


def test_a_crash_inside_a_check_fails_the_run_and_is_logged(
    client,
    trainee,
    make_lab,
    sync_runner,
    monkeypatch,
    caplog,
):
    def broken(run):
        raise RuntimeError("boom")

    monkeypatch.setitem(runner.CHECKS, "port_map", broken)
    lab = make_lab()
    client.force_login(trainee)
    form = {}
    answer(form, 2525, "smtp", "plaintext")

    response = client.post(
        reverse("lab:check", kwargs={"pk": lab.pk, "kind": "port_map"}), form, follow=True
    )

    run = LabRun.objects.get()
    assert (run.status, run.error) == (LabRun.Status.ERROR, "internal")
    assert "failed on our side" in response.text
    assert "lab check" in caplog.text


def test_a_graded_port_map_counts_towards_mastery_of_ports(
    client, trainee, three_port_lab, sync_runner
):
    from course.models import Topic
    from quizapp.adaptive.models import LearnerModel

    Topic.objects.create(slug="ports-security", name_fr="Ports et sécurité")
    lab, smtp_port, imaps_port, closed = three_port_lab
    form = {}
    answer(form, smtp_port, "smtp", "starttls")
    answer(form, imaps_port, "imap", "implicit_tls")
    answer(form, closed, "none", "closed")
    client.force_login(trainee)
    client.post(reverse("lab:check", kwargs={"pk": lab.pk, "kind": "port_map"}), form)
    assert LabRun.objects.get().grade == 1.0
    model = LearnerModel.objects.get(learner__user=trainee)
    topic = model.state["engine"]["topics"]
    assert model.answers == 1
    assert "ports-security" in str(topic)
    progress = client.get("/").context["progress"]
    ports = next(row for row in progress.topics if row.slug == "ports-security")
    # A check counts as LAB_WEIGHT answers on its topic: strong evidence (see services).
    from quizapp.adaptive.services import LAB_WEIGHT

    assert ports.answers == LAB_WEIGHT and ports.percent > 70


def test_a_crashing_mastery_update_never_fails_a_finished_check(
    client, trainee, three_port_lab, sync_runner, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("mastery store down")

    monkeypatch.setattr(runner, "learn_from_lab", broken)
    lab, smtp_port, imaps_port, closed = three_port_lab
    form = {}
    answer(form, smtp_port, "smtp", "starttls")
    answer(form, imaps_port, "imap", "implicit_tls")
    answer(form, closed, "none", "closed")
    client.force_login(trainee)
    client.post(reverse("lab:check", kwargs={"pk": lab.pk, "kind": "port_map"}), form)
    run = LabRun.objects.get()
    assert (run.status, run.grade) == (LabRun.Status.DONE, 1.0)
