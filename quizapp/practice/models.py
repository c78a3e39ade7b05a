from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from course.models import Section, Topic
from quizapp.bank.models import Question


class Learner(models.Model):
    """Whoever practises: an account, or a visitor known only by their session.

    Answers hang on a Learner rather than on a User so that a visitor's work
    moves to their account at sign-up by changing one row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="learner",
    )
    visitor_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(visitor_key__isnull=False),
                name="learner_is_someone",
            )
        ]

    def __str__(self):
        return str(self.user) if self.user_id else f"visitor {self.visitor_key[:8]}"


class PracticeSession(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", _("Practice")
        REVIEW = "review", _("Reviews due")
        SECTION_TEST = "section_test", _("Test yourself")
        # Holds a closed mock exam's answers, so they feed the learner model (exams app).
        EXAM = "exam", _("Mock exam")

    class Scope(models.TextChoices):
        COURSE = "course", _("Whole course")
        TOPIC = "topic", _("One topic")
        SECTION = "section", _("One section")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="sessions")
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.PRACTICE)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True)
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True)
    size = models.PositiveSmallIntegerField(_("number of questions"))
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("practice session")
        verbose_name_plural = _("practice sessions")
        indexes = [models.Index(fields=["learner", "-created_at"])]

    def __str__(self):
        return f"{self.learner} {self.scope} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("practice:session", kwargs={"pk": self.pk})


class SessionItem(models.Model):
    """One question served in a session, with the order its choices are shown in."""

    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    choice_order = models.JSONField(default=list)
    served_at = models.DateTimeField(null=True, blank=True)
    # Why the engine chose it ("review_due", "weak_topic"...), shown on request.
    reason = models.CharField(max_length=32, blank=True)
    reason_topic = models.CharField(max_length=50, blank=True)
    probe = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="one_item_per_position")
        ]

    def __str__(self):
        return f"{self.session_id}#{self.position}"


class Answer(models.Model):
    """One answer: the row that adaptive practice, exams and dashboards read."""

    class Source(models.TextChoices):
        PRACTICE = "practice", _("Practice")
        EXAM = "exam", _("Mock exam")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="answers")
    # One answer per served item: a double click or a resent form finds it taken.
    item = models.OneToOneField(SessionItem, on_delete=models.CASCADE, related_name="answer")
    given = models.JSONField()
    score = models.FloatField()
    correct = models.BooleanField()
    misconceptions = models.JSONField(default=list)
    time_taken_ms = models.PositiveIntegerField(null=True)
    # The engine's P(correct) before this answer, and the FSRS rating it gave:
    # with answered_at and time_taken_ms, these rows are the review log.
    predicted = models.FloatField(null=True)
    rating = models.PositiveSmallIntegerField(null=True)
    answered_at = models.DateTimeField(auto_now_add=True)
    # Item analysis reads exam answers apart (first exam attempts by default, as Moodle).
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.PRACTICE
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["learner", "-answered_at"], name="answer_by_learner"),
            models.Index(fields=["question", "-answered_at"], name="answer_by_question"),
        ]

    def __str__(self):
        return f"{self.learner} {self.question_id} {self.score}"
