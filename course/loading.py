"""Load the course shipped in fixtures/course/ into the database, in one transaction."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from course.models import Course, GlossaryTerm, Objective, Section, Topic


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1


def _both(values: dict, name: str) -> dict:
    return {f"{name}_fr": values["fr"], f"{name}_en": values.get("en", "")}


def _sync(model, report, kind, *, lookup, values, update):
    """Create the object, or overwrite it only when asked: admin edits survive re-runs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count(kind, created=True)
        return obj, True
    if update:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        report.count(kind, created=False)
    return obj, update


def _section_body(source_dir: Path, slug: str, lang: str) -> str:
    path = source_dir / "sections" / f"{slug}.{lang}.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@transaction.atomic
def load_course(*, source_dir: Path, update: bool = False) -> LoadReport:
    """Create what is missing from the course files; with update, overwrite texts too."""
    data = json.loads((source_dir / "course.json").read_text(encoding="utf-8"))
    report = LoadReport()
    meta = data["course"]
    course, _ = _sync(
        Course,
        report,
        "course",
        lookup={"code": meta["code"]},
        values={**_both(meta["title"], "title"), **_both(meta["summary"], "summary")},
        update=update,
    )
    topics = {}
    for order, item in enumerate(data["topics"]):
        topics[item["slug"]], _ = _sync(
            Topic,
            report,
            "topics",
            lookup={"slug": item["slug"]},
            values={
                "order": order,
                **_both(item["name"], "name"),
                **_both(item["description"], "description"),
            },
            update=update,
        )
    for order, item in enumerate(data["objectives"], start=1):
        objective, changed = _sync(
            Objective,
            report,
            "objectives",
            lookup={"slug": item["slug"]},
            values={"course": course, "order": order, **_both(item["text"], "text")},
            update=update,
        )
        if changed:
            objective.topics.set(topics[slug] for slug in item.get("topics", []))
    for order, item in enumerate(data["sections"], start=1):
        section, changed = _sync(
            Section,
            report,
            "sections",
            lookup={"slug": item["slug"]},
            values={
                "course": course,
                "order": order,
                "figure": item.get("figure", ""),
                **_both(item["title"], "title"),
                **_both(item["summary"], "summary"),
                "body_fr": _section_body(source_dir, item["slug"], "fr"),
                "body_en": _section_body(source_dir, item["slug"], "en"),
            },
            update=update,
        )
        if changed:
            section.topics.set(topics[slug] for slug in item["topics"])
    for item in data["glossary"]:
        _sync(
            GlossaryTerm,
            report,
            "glossary",
            lookup={"slug": item["slug"]},
            values={
                **_both(item["term"], "term"),
                **_both(item["definition"], "definition"),
                "source": item.get("source", ""),
            },
            update=update,
        )
    return report
