"""Which groups may use a lab, and what trainers did to its mailboxes.

Kept apart from quizapp.lab, which knows nothing of groups: the lab's trainee
pages only follow the `group_access` relation declared here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quizapp.groups.models import Group
from quizapp.lab.models import LabServer


class LabAccess(models.Model):
    """A group allowed on a lab. A lab given to no group is open to every trainee."""

    lab = models.ForeignKey(LabServer, on_delete=models.CASCADE, related_name="group_access")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="lab_access")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lab access")
        verbose_name_plural = _("lab access")
        constraints = [
            models.UniqueConstraint(fields=["lab", "group"], name="one_access_per_group_and_lab")
        ]

    def __str__(self):
        return f"{self.group} → {self.lab}"


class LabAction(models.Model):
    """A trainer's change to a lab's mailboxes or access: who, what, when (STYLE.md §13)."""

    class Kind(models.TextChoices):
        MAILBOXES_CREATED = "mailboxes_created", _("created mailboxes")
        PASSWORD_RESET = "password_reset", _("reset a mailbox password")
        ACCESS_GRANTED = "access_granted", _("gave a group access")
        ACCESS_REMOVED = "access_removed", _("removed a group's access")

    lab = models.ForeignKey(LabServer, on_delete=models.CASCADE, related_name="trainer_actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, related_name="+")
    # Whose mailbox, or how many mailboxes; kept as text if the account goes.
    target_name = models.CharField(max_length=150, blank=True)
    count = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("lab action")
        verbose_name_plural = _("lab actions")

    def __str__(self):
        return f"{self.actor} {self.kind} {self.target_name}".strip()
