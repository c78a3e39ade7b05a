import re

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quizapp.translated import Translated


class Course(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_fr = models.TextField(_("summary (French)"))
    summary_en = models.TextField(_("summary (English)"), blank=True)

    title = Translated()
    summary = Translated()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return f"{self.code} {self.title_fr}"


class Topic(models.Model):
    """A unit that questions and mastery attach to, such as "ports and security"."""

    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    name = Translated()
    description = Translated()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name_fr


class Section(models.Model):
    class Figure(models.TextChoices):
        NONE = "", _("None")
        MESSAGE_PATH = "message_path", _("Path of a message (diagram)")
        PORTS_TABLE = "ports_table", _("Summary table of ports")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    body_fr = models.TextField(
        _("body (French)"), help_text=_("Markdown; raw HTML is removed before display.")
    )
    body_en = models.TextField(
        _("body (English)"),
        blank=True,
        help_text=_("Markdown; left empty, the French text is shown."),
    )
    figure = models.CharField(
        _("figure"), max_length=32, choices=Figure.choices, blank=True, default=""
    )
    topics = models.ManyToManyField(Topic, related_name="sections", verbose_name=_("topics"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    title = Translated()
    summary = Translated()
    body = Translated()

    class Meta:
        ordering = ["order"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return f"{self.order}. {self.title_fr}"

    def get_absolute_url(self):
        return reverse("course:section", kwargs={"slug": self.slug})

    def paragraph_title(self, anchor: str) -> str:
        """Return the heading of the paragraph `anchor` in the active language ("" if none)."""
        if not anchor:
            return ""
        heading = re.search(rf"^#{{2,4}} +(.+?) *\{{#{re.escape(anchor)}\}} *$", self.body, re.M)
        return heading.group(1).replace("`", "") if heading else ""


class Objective(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="objectives")
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_fr = models.TextField(_("text (French)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    topics = models.ManyToManyField(Topic, related_name="objectives", blank=True)

    text = Translated()

    class Meta:
        ordering = ["order"]
        verbose_name = _("learning objective")
        verbose_name_plural = _("learning objectives")

    def __str__(self):
        return self.text_fr[:80]


class GlossaryTerm(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    term_fr = models.CharField(_("term (French)"), max_length=120)
    term_en = models.CharField(_("term (English)"), max_length=120, blank=True)
    definition_fr = models.TextField(_("definition (French)"))
    definition_en = models.TextField(_("definition (English)"), blank=True)
    source = models.CharField(_("source"), max_length=120, blank=True)

    term = Translated()
    definition = Translated()

    class Meta:
        ordering = ["term_fr"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return self.term_fr

    def get_absolute_url(self):
        return reverse("course:glossary") + f"#{self.slug}"
