from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ItemAnalysisConfig(AppConfig):
    name = "quizapp.itemanalysis"
    label = "itemanalysis"
    verbose_name = _("Item analysis")
