import io
import json
import zipfile

import pytest
from django.urls import reverse

from quizapp.accounts.models import User
from quizapp.adaptive.models import ItemStat, LearnerModel, ReviewCard
from quizapp.lab import services as lab_services
from quizapp.lab.models import LabMailbox, LabRun, LabServer
from quizapp.lab.server import accounts
from quizapp.lab.server.store import MailStore
from quizapp.practice.models import Answer, Learner, PracticeSession
from quizapp.privacy.models import Erasure
from tests.practice.conftest import bank  # noqa: F401
from tests.practice.test_views import RIGHT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lab_data_dir(settings, tmp_path):
    settings.LAB_DATA_DIR = tmp_path / "lab-data"
    return settings.LAB_DATA_DIR


def answer_some(client, count=3) -> PracticeSession:
    """Start a session and answer `count` questions through the site."""
    client.post(reverse("practice:home"), {"scope": "course", "size": 5})
    session = PracticeSession.objects.latest("created_at")
    for _ in range(count):
        item = client.get(session.get_absolute_url()).context["item"]
        url = reverse("practice:answer", kwargs={"pk": session.pk, "position": item.position})
        response = client.post(url, RIGHT[item.question.type](item.choice_order))
        assert response.status_code == 302
    return session


@pytest.fixture
def practised(client, trainee, other_trainee, bank):  # noqa: F811
    client.force_login(other_trainee)
    answer_some(client, 2)
    client.force_login(trainee)
    answer_some(client, 3)
    return trainee


@pytest.fixture
def embedded_lab(db):
    return LabServer.objects.create(
        name="Labo",
        host="127.0.0.1",
        allowed_networks="127.0.0.1/32",
        domain="lab.test",
        embedded=True,
        submission_port=2587,
    )


def test_a_visitor_is_sent_to_log_in_for_every_account_url(client):
    for name in ("account", "export_json", "export_csv"):
        response = client.get(reverse(f"privacy:{name}"))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    response = client.post(reverse("privacy:delete"), {"password": "x", "confirm": "on"})
    assert response.status_code == 302
    assert not Erasure.objects.exists()


def test_the_privacy_page_lists_every_kind_of_data_for_anyone(client, db):
    response = client.get(reverse("privacy:policy"))
    assert response.status_code == 200
    names = {source.name for source in response.context["sources"]}
    assert {"account", "answers", "review_cards", "lab_mailboxes", "lab_runs"} <= names
    assert "Confidentialité" in response.text


def test_the_account_page_offers_export_and_deletion(client, trainee):
    client.force_login(trainee)
    response = client.get(reverse("privacy:account"))
    assert response.status_code == 200
    assert reverse("privacy:export_json") in response.text
    assert reverse("privacy:delete") in response.text
    assert trainee.username in response.text


def test_the_json_export_holds_my_answers_and_nobody_elses(client, practised, other_trainee):
    response = client.get(reverse("privacy:export_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"][0]["username"] == practised.username
    assert len(data["answers"]) == 3
    assert len(data["sessions"]) == 1
    assert len(data["review_cards"]) == 3
    assert data["mastery_model"][0]["answers"] == 3
    assert other_trainee.username not in response.text


def test_the_csv_export_is_one_table_per_kind_and_the_lab_mail(client, practised, embedded_lab):
    mailbox = lab_services.mailbox_for(user=practised, lab=embedded_lab)
    MailStore(lab_services.data_dir()).deliver(mailbox.name, b"Subject: hello\r\n\r\nbonjour\r\n")
    response = client.get(reverse("privacy:export_csv"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"account.csv", "answers.csv", "sessions.csv", "lab_mailboxes.csv"} <= names
    answers = archive.read("answers.csv").decode().splitlines()
    assert len(answers) == 1 + 3  # the header, then my three answers
    assert archive.read(f"files/lab-mail/{mailbox.name}/1.eml").endswith(b"bonjour\r\n")


def test_a_spreadsheet_formula_in_my_data_is_exported_as_text(client, trainee):
    trainee.first_name = "=HYPERLINK(1)"
    trainee.save()
    client.force_login(trainee)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("privacy:export_csv")).content))
    assert "'=HYPERLINK(1)" in archive.read("account.csv").decode()


def test_deleting_needs_my_password_and_the_tick(client, practised):
    url = reverse("privacy:delete")
    wrong = client.post(url, {"password": "not-it", "confirm": "on"})
    no_tick = client.post(url, {"password": "secret-pass-1"})
    assert wrong.status_code == no_tick.status_code == 400
    assert User.objects.filter(pk=practised.pk).exists()
    assert not Erasure.objects.exists()


def test_deleting_my_account_anonymises_answers_keeps_item_statistics_and_logs_it(
    client, practised, other_trainee
):
    stats_before = list(ItemStat.objects.order_by("pk").values_list("pk", "b", "answers"))
    answers_before = Answer.objects.count()
    learner_pk = Learner.objects.get(user=practised).pk

    response = client.post(
        reverse("privacy:delete"), {"password": "secret-pass-1", "confirm": "on"}, follow=True
    )

    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert not User.objects.filter(pk=practised.pk).exists()
    assert Answer.objects.count() == answers_before  # kept, for the item statistics
    anonymous = Learner.objects.get(pk=learner_pk)
    assert anonymous.user_id is None
    assert anonymous.visitor_key.startswith("erased-")
    assert not LearnerModel.objects.filter(learner=anonymous).exists()
    assert not ReviewCard.objects.filter(learner=anonymous).exists()
    assert list(ItemStat.objects.order_by("pk").values_list("pk", "b", "answers")) == stats_before
    erasure = Erasure.objects.get()
    assert (erasure.user_pk, erasure.requested_by) == (practised.pk, "self")
    assert erasure.counts["answers"] == 3
    assert Learner.objects.get(user=other_trainee).answers.count() == 2  # nobody else touched


def test_deleting_my_account_removes_my_lab_mailbox_login_and_mail_files(
    client, trainee, embedded_lab, django_capture_on_commit_callbacks
):
    client.force_login(trainee)
    mailbox = lab_services.mailbox_for(user=trainee, lab=embedded_lab)
    MailStore(lab_services.data_dir()).deliver(mailbox.name, b"Subject: x\r\n\r\nbody\r\n")
    LabRun.objects.create(user=trainee, lab=embedded_lab, kind="port_map")
    mail_dir = lab_services.data_dir() / "mail" / mailbox.name
    assert mail_dir.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete"), {"password": "secret-pass-1", "confirm": "on"})

    assert not mail_dir.exists()
    assert not accounts.mailbox_exists(lab_services.data_dir(), mailbox.name)
    assert not LabMailbox.objects.exists()
    assert not LabRun.objects.exists()


def test_an_admin_deleting_a_user_goes_through_the_same_erasure(admin_client, practised):
    learner_pk = Learner.objects.get(user=practised).pk
    url = reverse("admin:accounts_user_delete", args=[practised.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=practised.pk).exists()
    assert Learner.objects.get(pk=learner_pk).answers.count() == 3
    assert Erasure.objects.get().requested_by == "admin:admin"
