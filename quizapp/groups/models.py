from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quizapp.bank.models import Question
from quizapp.groups import codes
from quizapp.practice.models import Learner


class GroupQuerySet(models.QuerySet):
    def for_trainer(self, user):
        """Return the groups `user` trains (all of them for a superuser)."""
        if user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(trainers=user).distinct()

    def for_trainee(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__trainee=user)


class Group(models.Model):
    """A class a trainer follows: its trainees, its join code and its assessment date."""

    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="groups_created",
        verbose_name=_("created by"),
    )
    # Everyone who may follow the group: its creator and the co-trainers.
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="trained_groups", verbose_name=_("trainers")
    )
    trainees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="trainee_groups",
        verbose_name=_("trainees"),
    )
    assessment_date = models.DateField(_("assessment date"), null=True, blank=True)
    join_code = models.CharField(_("join code"), max_length=codes.MAX_LENGTH, unique=True)
    joining_open = models.BooleanField(_("joining open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.join_code:
            self.join_code = self._unused_code()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("groups:dashboard", kwargs={"pk": self.pk})

    def join_path(self) -> str:
        return reverse("groups:join_code", kwargs={"code": self.join_code})

    def regenerate_code(self) -> str:
        """Give the group a new join code; the old one stops working at once."""
        self.join_code = self._unused_code()
        self.save(update_fields=["join_code"])
        return self.join_code

    @staticmethod
    def _unused_code() -> str:
        while True:
            code = codes.new_code()
            if not Group.objects.filter(join_code=code).exists():
                return code

    def is_trained_by(self, user) -> bool:
        return user.is_superuser or self.trainers.filter(pk=user.pk).exists()


class Membership(models.Model):
    """A trainee in a group, since when."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "trainee"], name="one_membership_per_group")
        ]

    def __str__(self):
        return f"{self.trainee} in {self.group}"


class GroupAction(models.Model):
    """What someone did to a group or its members: who, what, when (STYLE.md §13)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created the group")
        EDITED = "edited", _("edited the group")
        JOINED = "joined", _("joined")
        LEFT = "left", _("left")
        REMOVED = "removed", _("removed a trainee")
        CODE_REGENERATED = "code_regenerated", _("regenerated the join code")
        JOINING_CLOSED = "joining_closed", _("closed joining")
        JOINING_OPENED = "joining_opened", _("opened joining")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Whom it was done to (the trainee removed), kept by name if the account goes.
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("group action")
        verbose_name_plural = _("group actions")

    def __str__(self):
        return f"{self.actor} {self.kind} {self.target_name}".strip()


class MasteryDay(models.Model):
    """A learner's mastery per topic at the end of a day, kept in each answer's transaction.

    The trainer's chart of mastery over time reads these rows (one per active
    day) instead of replaying the answers.
    """

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="mastery_days")
    day = models.DateField()
    # {topic slug: [percent, answers on the topic so far]}
    topics = models.JSONField(default=dict)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "day"], name="one_mastery_row_per_day")
        ]

    def __str__(self):
        return f"{self.learner_id} {self.day}"


class HeldMisconception(models.Model):
    """A misconception a learner chose on an item: how often, and whether they still hold it.

    Kept in each answer's transaction: the last answer to the item decides
    `held`, so a trainer's "held right now" is a count, not a replay of answers.
    """

    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="held_misconceptions"
    )
    misconception = models.SlugField()
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    hits = models.PositiveIntegerField(default=0)
    held = models.BooleanField(default=True)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "misconception", "question"], name="one_trace_per_item"
            )
        ]
        indexes = [models.Index(fields=["held", "misconception"], name="held_by_misconception")]

    def __str__(self):
        return f"{self.learner_id} {self.misconception} {self.question_id}"
