"""Mock exams: a blueprint, the attempts sat on it, and the certificates they earn."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from course.models import Topic
from quizapp.bank.models import Question
from quizapp.groups.models import Group
from quizapp.practice.models import PracticeSession
from quizapp.translated import Translated


class ExamQuerySet(models.QuerySet):
    def shipped(self):
        return self.filter(owner=None)

    def visible_to(self, user):
        """Return the shipped exams and, for a trainer, their own copies."""
        if user.is_authenticated and (user.is_trainer or user.is_superuser):
            return self.filter(Q(owner=None) | Q(owner=user))
        return self.shipped()


class Exam(models.Model):
    """A blueprint: how many items per topic, which types, how long, the pass mark, the form."""

    class Form(models.TextChoices):
        FIXED = "fixed", _("Fixed form")
        ADAPTIVE = "adaptive", _("Adaptive form")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    form = models.CharField(_("form"), max_length=16, choices=Form.choices, default=Form.FIXED)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        help_text=_("In adaptive form: the score the trainee would reach on the fixed form."),
    )
    item_types = models.JSONField(
        _("question types allowed"), default=list, blank=True, help_text=_("Empty: all types.")
    )
    # Null for the shipped exams, which nobody edits; trainers change their own copies.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exams",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExamQuerySet.as_manager()

    title = Translated()

    class Meta:
        ordering = ["owner_id", "title_fr"]
        verbose_name = _("exam")
        verbose_name_plural = _("exams")

    def __str__(self):
        return self.title_fr

    def get_absolute_url(self):
        return reverse("exams:exam", kwargs={"slug": self.slug})

    @property
    def is_adaptive(self) -> bool:
        return self.form == self.Form.ADAPTIVE

    @property
    def length(self) -> int:
        """Return the number of items of the fixed form (the adaptive one varies)."""
        return sum(rule.items for rule in self.rules.all())

    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    def eligible_questions(self):
        """Return the published questions this blueprint may draw from."""
        questions = Question.objects.published().filter(main_topic__in=self.rules.values("topic"))
        return questions.filter(type__in=self.item_types) if self.item_types else questions


class BlueprintRule(models.Model):
    """How many items of one topic the fixed form has; the adaptive form keeps the share."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="rules")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    items = models.PositiveSmallIntegerField(_("items"))

    class Meta:
        ordering = ["topic__order", "topic__slug"]
        constraints = [models.UniqueConstraint(fields=["exam", "topic"], name="one_rule_per_topic")]

    def __str__(self):
        return f"{self.exam_id}: {self.topic_id} x{self.items}"


class Assignment(models.Model):
    """An exam given to a group, open between two dates; the trainer may hide the review."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="assignments")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="exam_assignments")
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    hide_review = models.BooleanField(
        _("hide the questions and answers until the window closes"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("exam given to a group")
        verbose_name_plural = _("exams given to groups")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="window_closes_after_it_opens"
            )
        ]

    def __str__(self):
        return f"{self.exam} → {self.group}"

    def get_absolute_url(self):
        return reverse("exams:monitor", kwargs={"pk": self.pk})

    def is_open_at(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


class ExtraTime(models.Model):
    """Extra minutes (« tiers temps ») for one named trainee; who granted them and when."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extra_times")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    minutes = models.PositiveSmallIntegerField(_("extra minutes"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "trainee"], name="one_extra_time_each")
        ]

    def __str__(self):
        return f"{self.trainee} +{self.minutes} min"


class AttemptQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Attempt.Status.OPEN)


class Attempt(models.Model):
    """One sitting of an exam by one trainee; its deadline is the server's."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        TIMED_OUT = "timed_out", _("Closed at the deadline")

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="attempts"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    extra_minutes = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    # Adaptive form: the ability at the end, its standard error and why the exam stopped.
    ability = models.FloatField(null=True, blank=True)
    ability_se = models.FloatField(null=True, blank=True)
    cut = models.FloatField(null=True, blank=True)
    stop_reason = models.CharField(max_length=32, blank=True)
    # Adaptive form: the fixed-form score the ability stands for, with its 95 % range.
    expected = models.JSONField(default=list, blank=True)
    # Where the graded answers went to feed the learner model (source "exam").
    practice_session = models.OneToOneField(
        PracticeSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "user"],
                condition=Q(status="open"),
                name="one_open_attempt_per_exam",
            )
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="attempt_open_by_deadline")]

    def __str__(self):
        return f"{self.user} {self.exam_id} {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("exams:attempt", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_over(self, now: datetime) -> bool:
        """Return True once the server's deadline has passed: the one rule of time."""
        return now >= self.deadline

    def seconds_left(self, now: datetime) -> int:
        return max(0, int((self.deadline - now).total_seconds()))


class AttemptItem(models.Model):
    """One question of an attempt, with the trainee's current answer (changeable until the end)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    choice_order = models.JSONField(default=list)
    given = models.JSONField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Filled at grading: at the end for the fixed form, on each answer for the adaptive one
    # (never shown before the attempt is over).
    score = models.FloatField(null=True, blank=True)
    correct = models.BooleanField(null=True)
    misconceptions = models.JSONField(default=list, blank=True)
    # Adaptive form: the item's learned parameters when it was served, so the verdict
    # does not move when the bank learns more.
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="one_exam_item_per_position"
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_question_once_per_attempt"
            ),
        ]

    def __str__(self):
        return f"{self.attempt_id}#{self.position}"

    @property
    def answered(self) -> bool:
        return self.given is not None


class Certificate(models.Model):
    """The « Attestation de préparation » of a passed attempt, verifiable by its code."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=40, unique=True)
    holder_name = models.CharField(_("name on the certificate"), max_length=150)
    issued_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("verify", kwargs={"code": self.code})
