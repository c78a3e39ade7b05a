"""Workflows on the question bank: importing and exporting items."""

import hashlib
import json
import re

from django.db import transaction
from django.utils.translation import gettext as _

from course.models import Section, Topic
from quizapp.bank import formats
from quizapp.bank.models import CategoryMapping, Media, Misconception, PendingImport, Question
from quizapp.bank.native import (
    KEY_PATTERN,
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


def validate_items(
    questions: list[dict],
    misconceptions: list[dict],
    *,
    labels: dict[str, str] | None = None,
    drafts: bool = False,
) -> list[str]:
    """Return every error of the document, each naming its question as the file does.

    With `drafts`, a misconception the items name but nobody declared is no
    error: the import creates it as a draft, for the trainer to describe.
    """
    if errors := misconception_errors(misconceptions):
        return errors
    declared = {m["slug"] for m in misconceptions} | set(
        Misconception.objects.values_list("slug", flat=True)
    )
    if drafts:
        declared |= undeclared_misconceptions(questions, misconceptions)
    labels = labels or {}
    topics = set(Topic.objects.values_list("slug", flat=True))
    anchors = _known_anchors()
    errors, seen = [], set()
    for number, item in enumerate(questions, start=1):
        key = item.get("key") if isinstance(item, dict) else None
        name = key if isinstance(key, str) and key else _("question #%(n)s") % {"n": number}
        if name in seen:
            errors.append(_("%(name)s: this key appears twice") % {"name": name})
        seen.add(name)
        name = labels.get(name, name)
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


def undeclared_misconceptions(questions: list[dict], misconceptions: list[dict]) -> set[str]:
    """Return the misconception slugs the items name that neither the file nor the bank knows."""
    named = {tag for item in questions if isinstance(item, dict) for tag in _tags_of(item)}
    known = {m.get("slug") for m in misconceptions} | set(
        Misconception.objects.filter(slug__in=named).values_list("slug", flat=True)
    )
    return {slug for slug in named - known if KEY_PATTERN.match(slug) and len(slug) <= 50}


def _tags_of(item: dict) -> set[str]:
    try:
        return misconception_tags(item)
    except (AttributeError, TypeError):  # a damaged item: validate_items names it
        return set()


@transaction.atomic
def import_questions(
    *,
    questions: list[dict],
    misconceptions: list[dict],
    update: bool = True,
    labels: dict[str, str] | None = None,
    media: dict[str, tuple[str, str, bytes]] | None = None,
    drafts: bool = False,
) -> dict[str, int]:
    """Import every item or none; raise BankImportError listing all the errors.

    With update=False, items whose key exists already are left as they are (so
    that loading the shipped bank again keeps a trainer's edits). `media` are
    the images the items show; with `drafts`, misconceptions named but not
    declared are created as drafts.
    """
    if errors := validate_items(questions, misconceptions, labels=labels, drafts=drafts):
        raise BankImportError(errors)
    new_drafts = undeclared_misconceptions(questions, misconceptions) if drafts else set()
    for slug in sorted(new_drafts):
        Misconception.objects.create(slug=slug, label_fr=slug, draft=True)
    for sha, (name, content_type, data) in (media or {}).items():
        Media.objects.get_or_create(
            sha256=sha, defaults={"name": name[:200], "content_type": content_type, "data": data}
        )
    for m in misconceptions:
        labels = {"label_fr": m["label"]["fr"], "label_en": m["label"].get("en", "")}
        if update:
            Misconception.objects.update_or_create(slug=m["slug"], defaults=labels)
        else:  # like questions: a label edited in the admin survives a reload
            Misconception.objects.get_or_create(slug=m["slug"], defaults=labels)
    topics = {t.slug: t for t in Topic.objects.all()}
    sections = {s.slug: s for s in Section.objects.only("id", "slug")}
    existing = set(Question.objects.values_list("key", flat=True))
    counts = {"created": 0, "updated": 0, "kept": 0, "drafts": len(new_drafts)}
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


def preview(*, reading, update: bool) -> dict:
    """Return what importing `reading` would do, without changing anything.

    The same validation as the import runs, so that a preview without errors
    is an import that succeeds (unless the bank changes in between).
    """
    # Items still waiting for a topic are counted apart, not listed as one error each.
    waiting = [q for q in reading.questions if not q.get("topics")]
    ready = [q for q in reading.questions if q.get("topics")]
    errors = validate_items(ready, reading.misconceptions, labels=reading.labels, drafts=True)
    existing = set(
        Question.objects.filter(key__in=[q["key"] for q in reading.questions]).values_list(
            "key", flat=True
        )
    )
    keys = [q["key"] for q in reading.questions]
    return {
        "errors": errors,
        "waiting": [reading.labels.get(q["key"], q["key"]) for q in waiting],
        "created": [reading.labels.get(k, k) for k in keys if k not in existing],
        "updated": [reading.labels.get(k, k) for k in keys if k in existing and update],
        "kept": [reading.labels.get(k, k) for k in keys if k in existing and not update],
        "drafts": sorted(undeclared_misconceptions(reading.questions, reading.misconceptions)),
        "without_explanation": reading.without_explanation(),
    }


def remembered_mapping(paths: list[str]) -> dict[str, tuple[str, str]]:
    """Return the topic and section slugs chosen last time for these Moodle categories."""
    rows = CategoryMapping.objects.filter(path__in=paths).select_related("topic", "section")
    return {row.path: (row.topic.slug, row.section.slug if row.section else "") for row in rows}


def read_pending(pending: PendingImport, mapping: dict[str, tuple[str, str]]) -> formats.Reading:
    """Return the reading of a file waiting for confirmation, with the trainer's mapping."""
    return formats.read_report(
        pending.text, pending.format or None, mapping=mapping, strict=pending.strict
    )


def report_digest(reading: formats.Reading, report: dict) -> str:
    """Return a fingerprint of exactly what a preview showed and would import."""
    shown = {"questions": reading.questions, "report": report, "skipped": reading.skipped}
    data = json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


@transaction.atomic
def confirm_import(
    *, pending: PendingImport, reading: formats.Reading, mapping: dict[str, tuple[str, str]]
) -> dict[str, int] | None:
    """Import what the trainer saw, remember their category mapping, forget the file.

    Return None when the file was confirmed already (a double click, a second tab):
    the pending row is locked and deleted in the import's transaction, so only one
    confirmation imports it.
    """
    if not PendingImport.objects.select_for_update().filter(pk=pending.pk).exists():
        return None
    counts = import_questions(
        questions=reading.questions,
        misconceptions=reading.misconceptions,
        update=pending.replace,
        labels=reading.labels,
        media=reading.media,
        drafts=True,
    )
    topics = {t.slug: t for t in Topic.objects.all()}
    sections = {s.slug: s for s in Section.objects.only("id", "slug")}
    for path, (topic, section) in mapping.items():
        if topic in topics:
            CategoryMapping.objects.update_or_create(
                path=path, defaults={"topic": topics[topic], "section": sections.get(section)}
            )
    pending.delete()
    return {**counts, "skipped": len(reading.skipped)}
