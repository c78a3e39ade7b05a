from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthoringConfig(AppConfig):
    name = "quizapp.authoring"
    label = "authoring"
    verbose_name = _("Question authoring")
