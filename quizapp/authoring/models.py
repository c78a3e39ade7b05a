from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quizapp.bank.models import Question


class QuestionLog(models.Model):
    """Who changed a question, how and when: shown on the question's trainer page."""

    class Action(models.TextChoices):
        PUBLISHED = "published", _("published")
        UNPUBLISHED = "unpublished", _("unpublished")
        EDITED = "edited", _("edited")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="log")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # Which fields an edit changed, or why an item was unpublished ("item analysis").
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("question change")
        verbose_name_plural = _("question changes")
        indexes = [models.Index(fields=["question", "-at"], name="question_log_recent")]

    def __str__(self):
        return f"{self.question_id} {self.action} by {self.user_id}"
