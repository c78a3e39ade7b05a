"""Lab servers that trainers configure, trainees' lab mailboxes, and the checks they run.

A trainee never names a host or a port: they pick a LabServer, and every check
goes to that lab's host, inside that lab's allowed networks.
"""

import dataclasses
import datetime
import ipaddress
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quizapp.lab import networks
from quizapp.lab.networks import parse_network_lines, validate_networks
from quizapp.lab.probe import PortTarget, transcript
from quizapp.lab.probe.results import TranscriptLine

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$"
)
TOKEN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 - no 0/O, 1/I/L
STALE_AFTER = datetime.timedelta(minutes=5)


@dataclasses.dataclass(frozen=True)
class Service:
    """One service a lab may expose; `key` names the model field `<key>_port`."""

    key: str
    label: Promise
    protocol: str  # smtp, pop3 or imap
    implicit_tls: bool
    server_role: str  # the role key in quizapp.lab.server.config.ROLES


SERVICES: tuple[Service, ...] = (
    Service("relay", _("SMTP relay (MTA, the “25” role)"), "smtp", False, "smtp"),
    Service(
        "submission",
        _("SMTP submission with STARTTLS (the “587” role)"),
        "smtp",
        False,
        "submission",
    ),
    Service(
        "submissions",
        _("SMTP submission over implicit TLS (the “465” role)"),
        "smtp",
        True,
        "submissions",
    ),
    Service("pop3", _("POP3 with STLS (the “110” role)"), "pop3", False, "pop3"),
    Service("pop3s", _("POP3 over implicit TLS (the “995” role)"), "pop3", True, "pop3s"),
    Service("imap", _("IMAP with STARTTLS (the “143” role)"), "imap", False, "imap"),
    Service("imaps", _("IMAP over implicit TLS (the “993” role)"), "imap", True, "imaps"),
)
SERVICE_BY_KEY = {service.key: service for service in SERVICES}


def validate_host(host: str) -> None:
    """Raise ValidationError unless `host` is a host name or an IP address."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOSTNAME.match(host):
            raise ValidationError(_("Give a host name or an IP address.")) from None


def port_field(service: Service) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        service.label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(65535)],
    )


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(6))


class LabServerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def editable_by(self, user):
        """Return the labs `user` may edit: their own, or all for a superuser."""
        return self if user.is_superuser else self.filter(created_by=user)

    def managed_by(self, user):
        """Return the labs whose mailboxes a trainer manages: their own and the embedded lab."""
        if user.is_superuser:
            return self
        return self.filter(models.Q(created_by=user) | models.Q(embedded=True))

    def open_to(self, user):
        """Return the active labs `user` may use.

        The embedded lab is everyone's; another lab is open to every trainee until
        its trainer gives it to groups (quizapp.grouplabs keeps that list, reached
        here by its `group_access` relation), then only to those groups and to the
        lab's own trainer.
        """
        labs = self.active()
        if user.is_superuser:
            return labs
        allowed = (
            models.Q(embedded=True)
            | models.Q(group_access=None)
            | models.Q(created_by=user)
            | models.Q(group_access__group__memberships__trainee=user)
            | models.Q(group_access__group__trainers=user)
        )
        return labs.filter(pk__in=labs.filter(allowed).values("pk"))


class LabServer(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(
        _("host"),
        max_length=253,
        validators=[validate_host],
        help_text=_("The name or address every check connects to."),
    )
    allowed_networks = models.TextField(
        _("allowed networks"),
        validators=[validate_networks],
        help_text=_(
            "One network per line (CIDR, such as 192.168.10.0/24). The host must resolve "
            "inside them, or no check is made."
        ),
    )
    domain = models.CharField(
        _("mail domain"), max_length=253, validators=[validate_host], help_text=_("lab.example")
    )
    relay_port = port_field(SERVICES[0])
    submission_port = port_field(SERVICES[1])
    submissions_port = port_field(SERVICES[2])
    pop3_port = port_field(SERVICES[3])
    pop3s_port = port_field(SERVICES[4])
    imap_port = port_field(SERVICES[5])
    imaps_port = port_field(SERVICES[6])
    embedded = models.BooleanField(
        _("embedded lab server"),
        default=False,
        help_text=_(
            "This is the site's own lab mail server (manage.py labserver): trainees' "
            "mailboxes are created in it automatically."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="labs_created",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LabServerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("lab server")
        verbose_name_plural = _("lab servers")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("lab:lab", kwargs={"pk": self.pk})

    def clean(self):
        ports = [port for _service, port in self.services()]
        if not ports:
            raise ValidationError(_("Give the port of at least one service."))
        if len(set(ports)) != len(ports):
            raise ValidationError(_("Each service needs its own port."))
        if not self.embedded and (odd := sorted(set(ports) - networks.permitted_ports())):
            raise ValidationError(
                _("%(ports)s: not a mail port. A lab declares its mail services' ports only.")
                % {"ports": ", ".join(map(str, odd))}
            )
        errors = {**self._networks_errors(), **self._host_errors()}
        if errors:
            raise ValidationError(errors)

    def _networks_errors(self) -> dict:
        try:
            refused = self._networks_outside_allowed()
        except ValueError:
            return {}  # the field's own validator already says the line is not a network
        if not refused:
            return {}
        message = _(
            "%(networks)s: outside the networks an administrator opened to labs (%(allowed)s)."
        ) % {
            "networks": ", ".join(refused),
            "allowed": ", ".join(LabNetwork.objects.values_list("network", flat=True))
            or _("none yet"),
        }
        return {"allowed_networks": message}

    def _networks_outside_allowed(self) -> list[str]:
        return networks.outside_allowed(
            self.network_list(),
            embedded=self.embedded or networks.loopback_for_every_lab(),
            allowed=list(LabNetwork.objects.values_list("network", flat=True)),
        )

    def probe_networks(self) -> list[str]:
        """Return the networks a check may reach now: the lab's, where they are still allowed.

        Checked again at each check, so that an administrator closing a network
        stops every lab inside it at once.
        """
        refused = set(self._networks_outside_allowed())
        return [line for line in self.network_list() if line not in refused]

    def ports_permitted(self) -> bool:
        return self.embedded or set(self.ports()) <= networks.permitted_ports()

    def _host_errors(self) -> dict:
        try:
            address = ipaddress.ip_address(self.host)
            lab_networks = [ipaddress.ip_network(n, strict=False) for n in self.network_list()]
        except ValueError:
            return {}  # a host name is checked when it is resolved, at each check
        if not any(address in network for network in lab_networks):
            return {"host": _("This address is outside the allowed networks.")}
        return {}

    def network_list(self) -> list[str]:
        return parse_network_lines(self.allowed_networks)

    def services(self) -> list[tuple[Service, int]]:
        """Return the services this lab exposes with their ports, in SERVICES order."""
        found = [(service, getattr(self, f"{service.key}_port")) for service in SERVICES]
        return [(service, port) for service, port in found if port]

    def port_of(self, key: str) -> int | None:
        return getattr(self, f"{key}_port")

    def ports(self) -> list[int]:
        """Return the exposed ports in increasing order (the order trainees see)."""
        return sorted(port for _service, port in self.services())

    def mailbox_service(self, protocol: str) -> tuple[Service, int] | None:
        """Return the service of `protocol` a client should use: implicit TLS first."""
        found = [(s, port) for s, port in self.services() if s.protocol == protocol]
        if protocol == "smtp":
            found = [(s, port) for s, port in found if s.key != "relay"]
        found.sort(key=lambda pair: not pair[0].implicit_tls)
        return found[0] if found else None


class LabNetwork(models.Model):
    """A network an administrator opened to trainers' labs (a classroom, a lab VLAN)."""

    network = models.CharField(
        _("network"),
        max_length=64,
        unique=True,
        validators=[networks.validate_admin_network],
        help_text=_("CIDR, such as 192.168.10.0/24."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["network"]
        verbose_name = _("network open to labs")
        verbose_name_plural = _("networks open to labs")

    def __str__(self):
        return self.network


class LabMailbox(models.Model):
    """A trainee's mailbox on one lab, with the password shown on their lab page.

    The password is kept in clear on purpose: it is a throwaway credential that
    only opens this lab mailbox, generated by the site (never the trainee's site
    password), and the trainee must be able to read it again to configure a mail
    client. The lab server itself only stores a hash of it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_mailboxes"
    )
    lab = models.ForeignKey(LabServer, on_delete=models.CASCADE, related_name="mailboxes")
    name = models.CharField(
        _("login"), max_length=254, help_text=_("The mailbox login, often the address.")
    )
    password = models.CharField(_("lab password"), max_length=128)
    token = models.CharField(max_length=16, default=new_token)
    practice_delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lab mailbox")
        verbose_name_plural = _("lab mailboxes")
        constraints = [
            models.UniqueConstraint(fields=["user", "lab"], name="one_mailbox_per_lab"),
            models.UniqueConstraint(fields=["lab", "name"], name="unique_mailbox_name"),
        ]

    def __str__(self):
        return self.address

    @property
    def address(self) -> str:
        return self.name if "@" in self.name else f"{self.name}@{self.lab.domain}"

    @property
    def send_token(self) -> str:
        """Return the word the trainee puts in the subject for exercise 2."""
        return f"LAB-{self.token}"

    @property
    def practice_token(self) -> str:
        """Return the word that marks exercise 3's practice messages (…-1 and …-2)."""
        return f"POP-{self.token}"


class LabRunQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=[LabRun.Status.PENDING, LabRun.Status.RUNNING])


class LabRun(models.Model):
    """One check a trainee started: what they answered, what the site found, the grade."""

    class Kind(models.TextChoices):
        PORT_MAP = "port_map", _("Port map")
        SEND_FETCH = "send_fetch", _("Send and fetch")
        POP_VS_IMAP = "pop_vs_imap", _("POP3 versus IMAP")
        DIAGNOSE = "diagnose", _("Diagnose a broken set-up")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting in the queue")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        ERROR = "error", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_runs"
    )
    lab = models.ForeignKey(LabServer, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(_("exercise"), max_length=16, choices=Kind.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    grade = models.FloatField(_("grade"), null=True, blank=True)
    outcome = models.JSONField(
        _("outcome"), default=dict, blank=True, help_text=_("What a mailbox check found.")
    )
    error = models.CharField(_("error code"), max_length=32, blank=True)
    error_params = models.JSONField(default=dict, blank=True)

    objects = LabRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lab run")
        verbose_name_plural = _("lab runs")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="labrun_user_recent"),
            models.Index(fields=["lab", "-created_at"], name="labrun_lab_recent"),
            models.Index(fields=["status", "created_at"], name="labrun_queue"),
        ]
        constraints = [
            # One check at a time per trainee, held by the database whatever the
            # number of web processes: a second insert fails instead of racing.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["pending", "running"]),
                name="labrun_one_unfinished_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("lab:run", kwargs={"pk": self.pk})

    @property
    def grade_percent(self) -> int | None:
        return None if self.grade is None else round(self.grade * 100)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.ERROR)

    def claim(self) -> bool:
        """Mark a pending run as running; return False if someone else already did."""
        now = timezone.now()
        claimed = LabRun.objects.filter(pk=self.pk, status=self.Status.PENDING).update(
            status=self.Status.RUNNING, started_at=now
        )
        if claimed:
            self.status, self.started_at = self.Status.RUNNING, now
        return bool(claimed)

    def finish(self, grade: float | None, outcome: dict | None = None) -> None:
        self.status, self.grade, self.finished_at = self.Status.DONE, grade, timezone.now()
        if outcome is not None:
            self.outcome = outcome
        self.save(update_fields=["status", "grade", "finished_at", "outcome"])

    def fail(self, code: str, params: dict | None = None, outcome: dict | None = None) -> None:
        self.status, self.finished_at = self.Status.ERROR, timezone.now()
        self.error, self.error_params = code, params or {}
        if outcome is not None:
            self.outcome = outcome
        self.save(update_fields=["status", "finished_at", "error", "error_params", "outcome"])

    def expire_if_stale(self, now: datetime.datetime | None = None) -> bool:
        """Fail a run that never finished (its worker was lost); return True if it was.

        Pending for STALE_AFTER: no worker took it. Running for LAB_LOST_AFTER
        seconds: its worker stopped mid-check (the checks' deadlines are shorter).
        """
        now = now or timezone.now()
        if self.finished:
            return False
        lost_after = datetime.timedelta(seconds=settings.LAB_LOST_AFTER)
        running_too_long = self.started_at is not None and now - self.started_at >= lost_after
        if now - self.created_at < STALE_AFTER and not running_too_long:
            return False
        self.fail("expired")
        return True


class PortCheck(models.Model):
    """What the probe found on one port of a port-map run."""

    run = models.ForeignKey(LabRun, on_delete=models.CASCADE, related_name="ports")
    position = models.PositiveSmallIntegerField()
    port = models.PositiveIntegerField(_("port"))
    service = models.CharField(
        _("service"), max_length=16, choices=[(s.key, s.label) for s in SERVICES]
    )
    done = models.BooleanField(default=False)
    result = models.JSONField(_("result"), default=dict, blank=True)
    transcript = models.JSONField(_("transcript"), default=list, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("port check")
        verbose_name_plural = _("port checks")
        constraints = [
            models.UniqueConstraint(fields=["run", "port"], name="one_check_per_port"),
        ]

    def __str__(self):
        return f"{self.run_id}:{self.port}"

    def target(self, host: str) -> PortTarget:
        return PortTarget(host, self.port, SERVICE_BY_KEY[self.service].implicit_tls)

    def transcript_lines(self) -> list[TranscriptLine]:
        return [TranscriptLine(**line) for line in self.transcript]

    def transcript_text(self) -> str:
        """Return the dialogue as telnet would show it (English notes)."""
        return transcript.render(self.transcript_lines())


# Exercise 4's model lives with the rest of the fault machinery; importing it here registers it.
from quizapp.lab.faults.models import FaultTicket  # noqa: E402, F401
