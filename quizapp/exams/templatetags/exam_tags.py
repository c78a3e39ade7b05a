"""The group dashboard's "latest mock exam" column, read in one query for the whole group.

A template tag rather than an import in the groups app: exams depend on groups, and the
dependency stays one way.
"""

from django import template

from quizapp.exams.models import Attempt

register = template.Library()


@register.simple_tag
def latest_exam_results(group) -> dict:
    """Return each trainee's latest closed attempt on an exam given to `group`, by user id.

    Only the group's own exams: what a trainee sits alone at home stays theirs.
    """
    attempts = (
        Attempt.objects.filter(assignment__group=group)
        .exclude(status=Attempt.Status.OPEN)
        .select_related("exam")
        .order_by("user_id", "-finished_at")
    )
    latest = {}
    for attempt in attempts:
        latest.setdefault(attempt.user_id, attempt)
    return latest


@register.filter
def result_of(results: dict, user_id):
    return results.get(user_id)


@register.simple_tag
def exams_given_to(group):
    """Return the exams given to `group`, latest window first (links to their monitors)."""
    return list(group.exam_assignments.select_related("exam")[:10])
