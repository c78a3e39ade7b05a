"""Blueprints: the shipped « Examen blanc CP1-03-01 », trainers' copies and their changes."""

import secrets

from django.db import transaction
from django.utils.text import slugify

from course.models import Topic
from quizapp.exams.models import BlueprintRule, Exam

DEFAULT_SLUG = "examen-blanc-cp1-03-01"
DEFAULT_ADAPTIVE_SLUG = "examen-blanc-cp1-03-01-adaptatif"
# Six items per topic of the course: 30 items in 30 minutes, as the assessment runs.
DEFAULT_ITEMS_PER_TOPIC = 6


@transaction.atomic
def ensure_default_exams() -> list[Exam]:
    """Create or refresh the shipped fixed and adaptive mock exams over every topic."""
    shipped = [
        (DEFAULT_SLUG, Exam.Form.FIXED, "Examen blanc CP1-03-01", "Mock exam CP1-03-01"),
        (
            DEFAULT_ADAPTIVE_SLUG,
            Exam.Form.ADAPTIVE,
            "Examen blanc CP1-03-01 (adaptatif)",
            "Mock exam CP1-03-01 (adaptive)",
        ),
    ]
    exams = []
    for slug, form, title_fr, title_en in shipped:
        exam, _ = Exam.objects.update_or_create(
            slug=slug,
            defaults={
                "owner": None, "form": form, "title_fr": title_fr, "title_en": title_en,
                "duration_minutes": 30, "pass_mark": 70, "item_types": [],
            },
        )  # fmt: skip
        for topic in Topic.objects.all():
            BlueprintRule.objects.update_or_create(
                exam=exam, topic=topic, defaults={"items": DEFAULT_ITEMS_PER_TOPIC}
            )
        exams.append(exam)
    return exams


@transaction.atomic
def copy_exam(*, exam: Exam, owner) -> Exam:
    """Return the trainer's own copy of `exam`, with the same rules."""
    rules = list(exam.rules.all())
    slug = f"{slugify(owner.get_username())[:30]}-{secrets.token_hex(3)}"
    copy = Exam.objects.create(
        slug=slug, title_fr=f"{exam.title_fr} (copie)", title_en=f"{exam.title_en} (copy)",
        form=exam.form, duration_minutes=exam.duration_minutes, pass_mark=exam.pass_mark,
        item_types=list(exam.item_types), owner=owner, copied_from=exam,
    )  # fmt: skip
    BlueprintRule.objects.bulk_create(
        BlueprintRule(exam=copy, topic_id=rule.topic_id, items=rule.items) for rule in rules
    )
    return copy


@transaction.atomic
def save_exam(*, form) -> Exam:
    """Save a trainer's changes to their copy: its settings and items per topic, at once."""
    exam = form.save()
    for topic, items in form.topic_counts().items():
        if items:
            BlueprintRule.objects.update_or_create(
                exam=exam, topic=topic, defaults={"items": items}
            )
        else:
            BlueprintRule.objects.filter(exam=exam, topic=topic).delete()
    return exam
