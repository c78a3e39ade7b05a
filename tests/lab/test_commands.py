"""manage.py probe_lab and load_demo_lab."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from quizapp.lab.management.commands.load_demo_lab import DEMO_NAME
from quizapp.lab.management.commands.probe_lab import parse_ports
from quizapp.lab.models import LabServer
from quizapp.lab.server.config import ROLES

from . import fakeservers as fake
from .background import serving


def run_command(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_probe_lab_probes_any_host_and_prints_one_json_object_per_port(tls_context):
    closed = fake.closed_port()
    with serving((fake.smtp(tls_context), None)) as [smtp_port]:
        out = run_command(
            "probe_lab",
            "--host",
            "127.0.0.1",
            "--ports",
            f"{smtp_port},{closed}",
            "--json",
            "--timeout",
            "2",
        )

    smtp, refused = [json.loads(line) for line in out.splitlines()]
    assert (smtp["port"], smtp["protocol"], smtp["security"]) == (smtp_port, "smtp", "starttls")
    assert smtp["upgrade"] == "done"
    assert smtp["tls"]["version"].startswith("TLSv1.")
    assert "STARTTLS" in smtp["capabilities_before"]["keywords"]
    assert smtp["transcript"][0]["direction"] == "*"
    assert "C: STARTTLS" in smtp["transcript_text"]
    assert (refused["port"], refused["state"]) == (closed, "closed")


@pytest.mark.django_db
def test_probe_lab_probes_a_configured_lab_by_name_with_a_readable_summary(tls_context):
    with serving((fake.imap(tls_context, implicit=True), tls_context)) as [port]:
        LabServer.objects.create(
            name="Salle 12",
            host="127.0.0.1",
            allowed_networks="127.0.0.1/32",
            domain="lab.test",
            imaps_port=port,
        )

        out = run_command("probe_lab", "Salle 12", "--timeout", "2")

    assert f"== 127.0.0.1 port {port}" in out
    assert "IMAP" in out
    assert "sha256: " in out
    assert "[TLS] S: * OK" in out


@pytest.mark.django_db
def test_probe_lab_refuses_a_lab_resolving_outside_its_networks():
    LabServer.objects.create(
        name="Elsewhere",
        host="localhost",
        allowed_networks="192.0.2.0/24",
        domain="lab.test",
        relay_port=2525,
    )

    with pytest.raises(CommandError, match=r"192\.0\.2|outside"):
        run_command("probe_lab", "Elsewhere")


@pytest.mark.django_db
def test_probe_lab_names_the_labs_when_the_name_is_unknown():
    LabServer.objects.create(
        name="Salle 12",
        host="127.0.0.1",
        allowed_networks="127.0.0.1/32",
        domain="lab.test",
        relay_port=2525,
    )

    with pytest.raises(CommandError, match="Salle 12"):
        run_command("probe_lab", "Salle 13")


@pytest.mark.parametrize(
    "args",
    [["--host", "127.0.0.1"], [], ["Lab", "--host", "127.0.0.1", "--ports", "25"]],
)
def test_probe_lab_explains_wrong_usage(args):
    with pytest.raises(CommandError):
        run_command("probe_lab", *args)


def test_ports_are_parsed_from_a_comma_separated_list():
    assert parse_ports("25,587, 465,25") == [25, 587, 465]
    with pytest.raises(CommandError):
        parse_ports("25,smtp")
    with pytest.raises(CommandError):
        parse_ports("0,70000")


@pytest.mark.django_db
def test_load_demo_lab_creates_the_embedded_lab_on_the_labserver_ports_once(settings):
    settings.LAB_HOST = "127.0.0.1"

    first = run_command("load_demo_lab")
    LabServer.objects.filter(name=DEMO_NAME).update(active=False)
    second = run_command("load_demo_lab")

    lab = LabServer.objects.get(name=DEMO_NAME)
    assert "created" in first
    assert "left unchanged" in second
    assert not lab.active  # an existing demo lab is never overwritten
    assert lab.ports() == sorted(role.default_port for role in ROLES)
    assert lab.embedded
    assert lab.domain == settings.LAB_DOMAIN
    assert lab.network_list() == ["127.0.0.0/8", "::1/128"]
    lab.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lab_host", "host", "extra"),
    [("0.0.0.0", "127.0.0.1", []), ("192.168.1.20", "192.168.1.20", ["192.168.1.20/32"])],  # noqa: S104
)
def test_load_demo_lab_follows_where_the_lab_server_listens(settings, lab_host, host, extra):
    settings.LAB_HOST = lab_host

    run_command("load_demo_lab")

    lab = LabServer.objects.get(name=DEMO_NAME)
    assert lab.host == host
    assert lab.network_list() == ["127.0.0.0/8", "::1/128", *extra]
