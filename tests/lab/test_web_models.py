"""Lab models: what a lab may be configured as, mailboxes, and the life of a run."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from quizapp.lab import services
from quizapp.lab.models import (
    STALE_AFTER,
    LabMailbox,
    LabRun,
    LabServer,
    validate_host,
    validate_networks,
)
from quizapp.lab.server import accounts
from tests.lab import conftest_web as web

DOMAIN = web.DOMAIN
fresh_rate_limits = web.fresh_rate_limits
in_english = web.in_english
lab_data_dir = web.lab_data_dir
make_lab = web.make_lab
superuser = web.superuser
pytestmark = pytest.mark.django_db


def unsaved_lab(**fields) -> LabServer:
    values = {
        "name": "Lab",
        "host": "192.168.10.5",
        "allowed_networks": "192.168.10.0/24",
        "domain": DOMAIN,
        "submission_port": 587,
        **fields,
    }
    return LabServer(**values)


@pytest.mark.parametrize(
    "text", ["10.0.0.0/24", "10.0.0.7\n# the lab\n::1", "192.168.0.0/16", "127.0.0.0/8"]
)
def test_allowed_networks_accept_one_network_or_address_per_line(text):
    validate_networks(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one"),
        ("10.0.0.0/24\nlab.example", "is not a network"),
        ("0.0.0.0/0", "too wide"),
        ("10.0.0.0/8", "too wide"),
        ("2001:db8::/32", "too wide"),
    ],
)
def test_allowed_networks_refuse_garbage_and_networks_wider_than_a_classroom(text, message):
    with pytest.raises(ValidationError) as error:
        validate_networks(text)

    assert message in " ".join(error.value.messages)


@pytest.mark.parametrize("host", ["lab.example.org", "192.0.2.1", "::1", "mail-1"])
def test_a_host_is_a_name_or_an_address(host):
    validate_host(host)


@pytest.mark.parametrize("host", ["lab example", "-lab", "lab..example", "a/b", ""])
def test_a_host_with_spaces_or_slashes_is_refused(host):
    with pytest.raises(ValidationError):
        validate_host(host)


def test_a_lab_must_expose_at_least_one_port():
    with pytest.raises(ValidationError, match="at least one service"):
        unsaved_lab(submission_port=None).full_clean()


def test_two_services_cannot_share_a_port():
    with pytest.raises(ValidationError, match="its own port"):
        unsaved_lab(imap_port=587).full_clean()


def test_a_host_address_outside_the_allowed_networks_is_refused():
    with pytest.raises(ValidationError) as error:
        unsaved_lab(host="192.168.11.5").full_clean()

    assert "host" in error.value.message_dict


def test_a_valid_lab_lists_its_ports_in_increasing_order(make_lab):
    lab = make_lab(imaps_port=2993, relay_port=2525, submission_port=2587)

    assert lab.ports() == [2525, 2587, 2993]
    assert [service.key for service, _ in lab.services()] == ["relay", "submission", "imaps"]


def test_mail_clients_are_pointed_at_implicit_tls_first_and_never_at_the_relay(make_lab):
    lab = make_lab(relay_port=25, submission_port=587, imap_port=143, imaps_port=993)

    assert lab.mailbox_service("smtp")[1] == 587
    assert lab.mailbox_service("imap")[1] == 993
    assert lab.mailbox_service("pop3") is None


def test_a_trainer_edits_only_their_labs_and_a_superuser_all(
    make_lab, trainer, other_trainer, superuser
):
    mine = make_lab("Mine")
    theirs = make_lab("Theirs", created_by=other_trainer)

    assert list(LabServer.objects.editable_by(trainer)) == [mine]
    assert set(LabServer.objects.editable_by(superuser)) == {mine, theirs}


def test_the_mailbox_address_adds_the_lab_domain_unless_the_login_has_one(make_lab, trainee):
    lab = make_lab()
    plain = LabMailbox(user=trainee, lab=lab, name="alice", password="x")
    full = LabMailbox(user=trainee, lab=lab, name="alice@other.example", password="x")

    assert plain.address == f"alice@{DOMAIN}"
    assert full.address == "alice@other.example"


def test_the_exercise_tokens_never_contain_each_other(make_lab, trainee):
    mailbox = LabMailbox.objects.create(user=trainee, lab=make_lab(), name="a", password="x")

    assert mailbox.send_token not in f"[{mailbox.practice_token}-1]"
    assert mailbox.practice_token not in mailbox.send_token
    assert len(mailbox.token) == 6


def test_an_embedded_lab_gives_a_trainee_one_mailbox_whose_password_opens_the_lab_server(
    make_lab,
    trainee,
    lab_data_dir,
):
    lab = make_lab(embedded=True)

    mailbox = services.mailbox_for(user=trainee, lab=lab)
    again = services.mailbox_for(user=trainee, lab=lab)

    assert again == mailbox
    assert mailbox.name == "alice"
    assert accounts.AccountBook(lab_data_dir).verify("alice", mailbox.password)


def test_two_embedded_labs_share_the_trainee_mailbox_and_its_password(make_lab, trainee):
    first = services.mailbox_for(user=trainee, lab=make_lab("One", embedded=True))
    second = services.mailbox_for(user=trainee, lab=make_lab("Two", embedded=True))

    assert (second.name, second.password) == (first.name, first.password)


def test_usernames_that_fold_to_the_same_mailbox_get_distinct_ones(make_lab, django_user_model):
    lab = make_lab(embedded=True)
    accented = django_user_model.objects.create_user("Élodie")
    plain = django_user_model.objects.create_user("elodie")

    names = {services.mailbox_for(user=u, lab=lab).name for u in (accented, plain)}

    assert names == {"elodie", "elodie-2"}


def test_a_wiped_lab_data_directory_gets_the_stored_login_back(
    make_lab,
    trainee,
    lab_data_dir,
):
    lab = make_lab(embedded=True)
    mailbox = services.mailbox_for(user=trainee, lab=lab)
    accounts.delete_mailbox(lab_data_dir, mailbox.name)

    services.mailbox_for(user=trainee, lab=lab)

    assert accounts.AccountBook(lab_data_dir).verify(mailbox.name, mailbox.password)


def test_a_lab_that_is_not_embedded_creates_no_mailbox(make_lab, trainee, lab_data_dir):
    assert services.mailbox_for(user=trainee, lab=make_lab()) is None
    assert not (lab_data_dir / "accounts.json").exists()


def test_a_run_is_claimed_once(make_lab, trainee):
    run = LabRun.objects.create(user=trainee, lab=make_lab(), kind=LabRun.Kind.PORT_MAP)
    twin = LabRun.objects.get(pk=run.pk)

    assert run.claim()
    assert not twin.claim()
    assert run.status == LabRun.Status.RUNNING


def test_a_run_left_unfinished_too_long_expires(make_lab, trainee):
    run = LabRun.objects.create(user=trainee, lab=make_lab(), kind=LabRun.Kind.PORT_MAP)
    later = timezone.now() + STALE_AFTER + datetime.timedelta(seconds=1)

    assert not run.expire_if_stale()
    assert run.expire_if_stale(now=later)
    run.refresh_from_db()
    assert (run.status, run.error) == (LabRun.Status.ERROR, "expired")


def test_grade_percent_rounds_the_grade(make_lab, trainee):
    run = LabRun(user=trainee, lab=make_lab(), kind=LabRun.Kind.PORT_MAP, grade=5 / 6)

    assert run.grade_percent == 83
    assert LabRun(grade=None).grade_percent is None
