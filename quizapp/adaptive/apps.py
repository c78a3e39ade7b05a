from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdaptiveConfig(AppConfig):
    name = "quizapp.adaptive"
    label = "adaptive"
    verbose_name = _("Adaptive practice")

    def ready(self):
        from quizapp.adaptive import receivers  # noqa: F401  (connects the signal)
