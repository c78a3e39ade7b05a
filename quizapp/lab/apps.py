from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabConfig(AppConfig):
    name = "quizapp.lab"
    label = "lab"
    verbose_name = _("Lab")

    def ready(self):
        from quizapp.lab import system_checks  # noqa: F401  (registers the checks)
