from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data: what the site holds about a trainee, its export and its deletion."""

    name = "quizapp.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from quizapp.privacy.registry import autodiscover

        autodiscover()
