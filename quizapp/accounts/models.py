from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A Facteur account: a trainee by default, a trainer when an admin says so."""

    class Role(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        TRAINER = "trainer", _("Trainer")

    role = models.CharField(
        _("role"),
        max_length=16,
        choices=Role.choices,
        default=Role.TRAINEE,
        help_text=_("Only an administrator can make someone a trainer."),
    )

    @property
    def is_trainer(self) -> bool:
        return self.role == self.Role.TRAINER
