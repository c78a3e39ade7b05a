from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "quizapp.groups"
    label = "groups"
    verbose_name = _("Groups")

    def ready(self):
        from quizapp.groups import receivers  # noqa: F401
