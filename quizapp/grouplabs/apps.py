from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupLabsConfig(AppConfig):
    name = "quizapp.grouplabs"
    label = "grouplabs"
    verbose_name = _("Labs for groups")
