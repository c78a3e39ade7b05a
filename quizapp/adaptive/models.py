from django.db import models
from django.utils.translation import gettext_lazy as _

from quizapp.bank.models import Question
from quizapp.practice.models import Learner


class LearnerModel(models.Model):
    """The engine's belief about one learner (ability overall and per topic), as JSON."""

    learner = models.OneToOneField(
        Learner, on_delete=models.CASCADE, primary_key=True, related_name="model"
    )
    state = models.JSONField(default=dict)
    answers = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("learner model")
        verbose_name_plural = _("learner models")

    def __str__(self):
        return f"{self.learner} ({self.answers})"


class ItemStat(models.Model):
    """An item's difficulty as learned from everyone's answers (Gaussian belief)."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, primary_key=True, related_name="stat"
    )
    b = models.FloatField(_("learned difficulty"), db_index=True)
    var = models.FloatField(_("uncertainty (variance)"))
    # Discrimination, learned too; only the exam mode weighs items by it.
    a = models.FloatField(_("learned discrimination"), default=1.0)
    var_a = models.FloatField(_("uncertainty of the discrimination"), default=0.0)
    answers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("item statistics")
        verbose_name_plural = _("item statistics")

    def __str__(self):
        return f"{self.question_id}: b={self.b:.2f}"


class ReviewCard(models.Model):
    """The FSRS card of one learner on one item: when to see it again.

    The review log is the answers table itself: each Answer row keeps the FSRS
    rating it gave, when, and how long the learner took.
    """

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    state = models.PositiveSmallIntegerField()
    step = models.PositiveSmallIntegerField(null=True)
    stability = models.FloatField(null=True)
    difficulty = models.FloatField(null=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="one_card_per_item")
        ]
        indexes = [models.Index(fields=["learner", "due"], name="card_due_by_learner")]

    def __str__(self):
        return f"{self.learner_id}/{self.question_id} due {self.due:%Y-%m-%d %H:%M}"
