from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    name = "quizapp.practice"
    label = "practice"
    verbose_name = _("Practice")

    def ready(self):
        from quizapp.practice import receivers  # noqa: F401  (connects the signal)
