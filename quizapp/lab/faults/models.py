"""A trainee's ticket in exercise 4: which fault their own endpoint serves, on which port."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizapp.lab.faults.catalogue import FAULT_BY_KEY, Fault, endpoint_entry

FAULT_CHOICES = [
    ("implicit_tls", _("Submission port speaking implicit TLS")),
    ("cert_name", _("Certificate for another name")),
    ("password_expired", _("Password expired (535)")),
    ("over_quota", _("Mailbox over quota (452/552)")),
    ("relay_denied", _("Port 25 without AUTH: relay refused")),
    ("pop3_deletes", _("POP3 client deleting from the server")),
    ("slow_greeting", _("Greeting after the client's timeout")),
    ("mx_wrong", _("MX record naming a host that does not exist")),
]


class FaultTicketQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class FaultTicket(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fault_tickets"
    )
    lab = models.ForeignKey("lab.LabServer", on_delete=models.CASCADE, related_name="tickets")
    fault = models.CharField(_("fault"), max_length=20, choices=FAULT_CHOICES)
    port = models.PositiveIntegerField(_("port"))
    params = models.JSONField(_("details"), default=dict, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fault_tickets_assigned",
        verbose_name=_("assigned by"),
        help_text=_("The trainer who picked this fault; empty when it was drawn at random."),
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = FaultTicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("fault ticket")
        verbose_name_plural = _("fault tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lab"],
                condition=Q(closed_at__isnull=True),
                name="one_open_ticket_per_lab",
            ),
            # All embedded labs share one lab server, hence one set of ports.
            models.UniqueConstraint(
                fields=["port"],
                condition=Q(closed_at__isnull=True),
                name="one_open_ticket_per_port",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.fault} :{self.port}"

    @property
    def catalogue_fault(self) -> Fault:
        return FAULT_BY_KEY[self.fault]

    def endpoint_entry(self) -> dict:
        """Return what the lab server needs to serve this ticket (see faults/endpoints.py)."""
        return endpoint_entry(self.catalogue_fault, self.port, self.params)

    def grading_context(self) -> dict:
        """Return the details the grade needs: the ticket's own, and the lab's ports."""
        return {
            **self.params,
            "domain": self.lab.domain,
            "submission_port": self.lab.submission_port,
            "submissions_port": self.lab.submissions_port,
        }

    def close(self) -> None:
        self.closed_at = timezone.now()
        self.save(update_fields=["closed_at"])
