"""Workflows on the question bank: importing and exporting items."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from course.models import Section, Topic
from quizapp.bank.models import Misconception, Question
from quizapp.bank.native import (
    BankImportError,
    item_errors,
    misconception_errors,
    misconception_tags,
    split_spec,
)


def _known_anchors() -> dict[str, set[str]]:
    anchors = {}
    for section in Section.objects.only("slug", "body_fr"):
        anchors[section.slug] = set(re.findall(r"\{#([a-z0-9-]+)\}", section.body_fr))
    return anchors


def validate_items(questions: list[dict], misconceptions: list[dict]) -> list[str]:
    """Return every error of the document, each naming its question."""
    if errors := misconception_errors(misconceptions):
        return errors
    declared = {m["slug"] for m in misconceptions} | set(
        Misconception.objects.values_list("slug", flat=True)
    )
    topics = set(Topic.objects.values_list("slug", flat=True))
    anchors = _known_anchors()
    errors, seen = [], set()
    for number, item in enumerate(questions, start=1):
        key = item.get("key") if isinstance(item, dict) else None
        name = key if isinstance(key, str) and key else _("question #%(n)s") % {"n": number}
        if name in seen:
            errors.append(_("%(name)s: this key appears twice") % {"name": name})
        seen.add(name)
        for message in item_errors(item, topics=topics, anchors=anchors, misconceptions=declared):
            errors.append(f"{name}: {message}")
    return errors


def _question_fields(item: dict, topics: dict, sections: dict) -> dict:
    return {
        "type": item["type"],
        "status": item["status"],
        "main_topic": topics[item["topics"][0]],
        "difficulty": float(item["difficulty"]),
        "section": sections.get(item.get("section")),
        "anchor": item.get("anchor", ""),
        "source": item.get("source", ""),
        "text_fr": item["text"]["fr"],
        "text_en": item["text"].get("en", ""),
        "explanation_fr": item["explanation"]["fr"],
        "explanation_en": item["explanation"].get("en", ""),
        "spec": split_spec(item),
    }


@transaction.atomic
def import_questions(
    *, questions: list[dict], misconceptions: list[dict], update: bool = True
) -> dict[str, int]:
    """Import every item or none; raise BankImportError listing all the errors.

    With update=False, items whose key exists already are left as they are (so
    that loading the shipped bank again keeps a trainer's edits).
    """
    if errors := validate_items(questions, misconceptions):
        raise BankImportError(errors)
    for m in misconceptions:
        labels = {"label_fr": m["label"]["fr"], "label_en": m["label"].get("en", "")}
        if update:
            Misconception.objects.update_or_create(slug=m["slug"], defaults=labels)
        else:  # like questions: a label edited in the admin survives a reload
            Misconception.objects.get_or_create(slug=m["slug"], defaults=labels)
    topics = {t.slug: t for t in Topic.objects.all()}
    sections = {s.slug: s for s in Section.objects.only("id", "slug")}
    existing = set(Question.objects.values_list("key", flat=True))
    counts = {"created": 0, "updated": 0, "kept": 0}
    for item in questions:
        if item["key"] in existing and not update:
            counts["kept"] += 1
            continue
        question, created = Question.objects.update_or_create(
            key=item["key"], defaults=_question_fields(item, topics, sections)
        )
        question.topics.set(topics[slug] for slug in item["topics"])
        counts["created" if created else "updated"] += 1
    return counts


def export_items(queryset=None) -> tuple[list[dict], list[dict]]:
    """Return (questions, misconceptions) as native dicts, ready for any writer."""
    queryset = queryset if queryset is not None else Question.objects.all()
    questions = [
        q.to_native()
        for q in queryset.select_related("main_topic", "section").prefetch_related("topics")
    ]
    used = {tag for q in questions for tag in misconception_tags(q)}
    misconceptions = [
        {"slug": m.slug, "label": {"fr": m.label_fr, "en": m.label_en}}
        for m in Misconception.objects.filter(slug__in=used)
    ]
    return questions, misconceptions
