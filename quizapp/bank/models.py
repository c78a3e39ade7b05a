from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from course.models import Section, Topic
from quizapp.bank import grading, specs
from quizapp.translated import Translated, active_language


class Misconception(models.Model):
    """A wrong idea that wrong options are tagged with, so trainers can count it."""

    slug = models.SlugField(_("slug"), unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    # An imported question named it without describing it: the trainer should.
    draft = models.BooleanField(_("to describe"), default=False)

    label = Translated()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("misconception")
        verbose_name_plural = _("misconceptions")

    def __str__(self):
        return self.slug


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Question.Status.PUBLISHED)


class Question(models.Model):
    Type = specs.QuestionType

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    key = models.SlugField(_("key"), max_length=80, unique=True)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    main_topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="main_questions", verbose_name=_("topic")
    )
    topics = models.ManyToManyField(Topic, related_name="questions", verbose_name=_("topics"))
    difficulty = models.FloatField(
        _("difficulty prior"),
        default=0.0,
        help_text=_("In logits: -2 very easy, 0 average, +2 hard."),
    )
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("section")
    )
    anchor = models.SlugField(_("paragraph anchor"), max_length=80, blank=True)
    source = models.CharField(_("source"), max_length=120, help_text=_("RFC and section."))
    text_fr = models.TextField(_("text (French)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    # Moodle's general feedback is optional: an imported item may lack it until
    # the trainer writes it (the import report lists such items).
    explanation_fr = models.TextField(_("explanation (French)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    spec = models.JSONField(
        _("answer specification"),
        help_text=_("Options, accepted answers, pairs or steps, as in the JSON import format."),
    )
    # Derived from the spec on save, so the adaptive engine can read how many
    # choices a guess picks from without decoding every spec.
    guess_options = models.PositiveIntegerField(null=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    text = Translated()
    explanation = Translated()

    class Meta:
        ordering = ["key"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["status", "main_topic", "difficulty"])]

    def __str__(self):
        return self.key

    def save(self, *args, **kwargs):
        self.guess_options = self.option_count()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "guess_options"}
        super().save(*args, **kwargs)

    def clean(self):
        specs.validate(self.type, self.spec)

    def course_url(self) -> str:
        if self.section_id is None:
            return ""
        url = reverse("course:section", kwargs={"slug": self.section.slug})
        return f"{url}#{self.anchor}" if self.anchor else url

    def option_count(self) -> int | None:
        """Return how many choices a guess picks from, or None when guessing is hopeless."""
        return specs.option_count(self.type, self.spec)

    def grade(self, answer) -> grading.Grade:
        """Grade an answer already parsed by `specs.parse_answer`."""
        return grading.grade(self.type, self.spec, answer)

    def to_native(self) -> dict:
        """Return the item as a dict of our JSON format (topics main first)."""
        others = sorted(t.slug for t in self.topics.all() if t.pk != self.main_topic_id)
        return {
            "key": self.key,
            "type": self.type,
            "status": self.status,
            "topics": [self.main_topic.slug, *others],
            "difficulty": self.difficulty,
            "section": self.section.slug if self.section_id else "",
            "anchor": self.anchor,
            "source": self.source,
            "text": {"fr": self.text_fr, "en": self.text_en},
            "explanation": {"fr": self.explanation_fr, "en": self.explanation_en},
            **self.spec,
        }

    def localized(self, value: dict) -> str:
        """Return the active language's text of a {"fr", "en"} dict, French as fallback."""
        return value.get(active_language()) or value["fr"]


class Media(models.Model):
    """An image imported with a question (Moodle <file>), checked and served by its hash."""

    TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}

    sha256 = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=40)
    name = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.name


class CategoryMapping(models.Model):
    """The topic (and section) a trainer chose for a Moodle category, reused next import."""

    path = models.CharField(_("Moodle category"), max_length=255, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, verbose_name=_("topic"))
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("section")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("category mapping")
        verbose_name_plural = _("category mappings")

    def __str__(self):
        return self.path


class PendingImport(models.Model):
    """A file a trainer sent, kept between its preview and the confirmation."""

    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    format = models.CharField(max_length=16, blank=True)
    text = models.TextField()
    strict = models.BooleanField(default=False)
    replace = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename
