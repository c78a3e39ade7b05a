from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the site as a service: server, task worker, health check, backups."""

    name = "quizapp.ops"
    label = "ops"
    verbose_name = _("Operations")
