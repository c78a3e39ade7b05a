from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "quizapp.exams"
    verbose_name = _("Mock exams")
    default_auto_field = "django.db.models.BigAutoField"
