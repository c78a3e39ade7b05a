"""Where a lab may point (issue 8.6): administrators open networks, loopback is the
embedded lab's alone, link-local and cloud metadata never, and only mail ports."""

import ipaddress
import socket

import pytest
from django.core import checks
from django.core.exceptions import ValidationError

from quizapp.lab import services
from quizapp.lab.forms import LabServerForm
from quizapp.lab.models import LabNetwork, LabRun, LabServer
from quizapp.lab.networks import validate_admin_network, validate_networks
from quizapp.lab.probe.safety import address_allowed, parse_networks
from tests.lab import conftest_web as web

in_english = web.in_english
lab_data_dir = web.lab_data_dir
sync_runner = web.sync_runner
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_policy(settings):
    settings.LAB_LOOPBACK_LABS = False


def form_for(user, **fields):
    data = {
        "name": "Salle 12",
        "host": "192.168.12.10",
        "allowed_networks": "192.168.12.0/24",
        "domain": "salle12.example",
        "submission_port": "587",
        "active": "on",
        **fields,
    }
    return LabServerForm(data, user=user)


@pytest.mark.parametrize(
    "text", ["169.254.169.254", "169.254.0.0/16", "fe80::/64", "fd00:ec2::254", "224.0.0.1"]
)
def test_link_local_metadata_and_multicast_ranges_are_refused_to_every_lab(text):
    with pytest.raises(ValidationError, match="link-local or cloud-metadata"):
        validate_networks(text)


@pytest.mark.parametrize("text", ["127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/0", "10.0.0.0/7"])
def test_an_administrator_cannot_open_loopback_link_local_or_the_whole_internet(text):
    with pytest.raises(ValidationError):
        validate_admin_network(text)


@pytest.mark.parametrize(
    ("networks", "host"),
    [("10.20.0.0/16", "10.20.1.1"), ("fd00::/48", "fd00::5"), ("192.168.12.0/24", "192.168.12.10")],
)
def test_a_trainer_cannot_open_a_network_no_administrator_opened(trainer, networks, host):
    form = form_for(trainer, allowed_networks=networks, host=host)

    assert not form.is_valid()
    assert "outside the networks an administrator opened" in str(form.errors["allowed_networks"])


def test_a_trainer_may_use_part_of_a_network_an_administrator_opened(trainer):
    LabNetwork.objects.create(network="192.168.0.0/16", description="Salles du 2e étage")

    assert form_for(trainer).is_valid()
    assert not form_for(trainer, allowed_networks="192.169.0.0/24", host="192.169.0.1").is_valid()


def test_loopback_is_refused_to_a_trainers_lab(trainer):
    form = form_for(trainer, host="127.0.0.1", allowed_networks="127.0.0.0/8")

    assert not form.is_valid()
    assert "allowed_networks" in form.errors


@pytest.mark.parametrize("port", ["22", "5432", "6379", "8000"])
def test_a_lab_declares_mail_ports_only(trainer, port):
    LabNetwork.objects.create(network="192.168.12.0/24")
    form = form_for(trainer, imap_port=port)

    assert not form.is_valid()
    assert "not a mail port" in str(form.errors)


def test_extra_ports_are_an_administrators_setting(trainer, settings):
    LabNetwork.objects.create(network="192.168.12.0/24")
    settings.LAB_EXTRA_PORTS = [10143]

    assert form_for(trainer, imap_port="10143").is_valid()


@pytest.mark.parametrize("address", ["169.254.169.254", "::ffff:169.254.169.254", "fe80::1"])
def test_the_prober_never_reaches_metadata_even_inside_an_allowed_network(address):
    everything = parse_networks(["0.0.0.0/1", "128.0.0.0/1", "::/1", "8000::/1"])

    assert not address_allowed(ipaddress.ip_address(address), everything)


@pytest.fixture
def no_sockets(monkeypatch):
    """Record every connection attempt instead of making it."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("no connection may be attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_a_lab_row_pointing_at_loopback_is_refused_at_check_time(
    client, trainee, trainer, sync_runner, no_sockets
):
    # Written straight into the database (an old row, a bypassed form): checked again.
    lab = LabServer.objects.create(
        name="Sneaky", host="127.0.0.1", allowed_networks="127.0.0.0/8",
        domain="lab.example", relay_port=25, created_by=trainer,
    )  # fmt: skip
    client.force_login(trainee)

    client.post(
        f"/en/lab/{lab.pk}/check/port_map/", {"protocol_25": "smtp", "security_25": "starttls"}
    )

    run = LabRun.objects.get()
    assert (run.status, run.error) == (LabRun.Status.ERROR, "no_networks")
    assert no_sockets == []


def test_closing_a_network_stops_the_labs_inside_it(trainer):
    opened = LabNetwork.objects.create(network="192.168.12.0/24")
    lab = LabServer.objects.create(
        name="Salle", host="192.168.12.10", allowed_networks="192.168.12.0/24",
        domain="lab.example", submission_port=587, created_by=trainer,
    )  # fmt: skip
    assert lab.probe_networks() == ["192.168.12.0/24"]

    opened.delete()

    assert lab.probe_networks() == []


def test_a_lab_row_with_a_non_mail_port_is_refused_before_any_run(trainee, trainer):
    lab = LabServer.objects.create(
        name="Scanner", host="192.168.12.10", allowed_networks="192.168.12.0/24",
        domain="lab.example", imap_port=22, created_by=trainer,
    )  # fmt: skip

    with pytest.raises(services.CheckRefused, match="not a mail port"):
        services.start_run(user=trainee, lab=lab, kind=LabRun.Kind.PORT_MAP)
    assert not LabRun.objects.exists()


def test_the_embedded_lab_reaches_loopback_on_its_own_ports(superuser_lab):
    assert superuser_lab.probe_networks() == ["127.0.0.0/8"]
    assert superuser_lab.ports_permitted()


@pytest.fixture
def superuser_lab():
    return LabServer.objects.create(
        name="Labo local", host="127.0.0.1", allowed_networks="127.0.0.0/8",
        domain="lab.example", relay_port=40025, embedded=True,
    )  # fmt: skip


def test_loopback_for_every_lab_is_refused_when_debug_is_off(settings):
    settings.LAB_LOOPBACK_LABS, settings.DEBUG = True, False

    found = [e.id for e in checks.run_checks(tags=[checks.Tags.security])]

    assert "lab.E001" in found
