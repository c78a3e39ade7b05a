from django import template

from quizapp.groups.models import Group
from quizapp.groups.readiness import revision_plan
from quizapp.practice.services import existing_learner

register = template.Library()
FEW_ANSWERS = 3  # below this the cell is hatched: the estimate rests on too little


@register.filter
def heat_tone(cell) -> str:
    """Return the heat-map class of a mastery cell: its band, and "few" when answers are few."""
    if cell.answers == 0:
        return "heat-none"
    band = "high" if cell.percent >= 80 else "mid" if cell.percent >= 50 else "low"
    return f"heat-{band} heat-few" if cell.answers < FEW_ANSWERS else f"heat-{band}"


@register.inclusion_tag("groups/_my_groups.html", takes_context=True)
def my_groups(context):
    """The trainee's groups on their home page, each with its date-aware revision plan."""
    request = context["request"]
    if not request.user.is_authenticated or request.user.is_trainer:
        return {"groups": []}
    groups = list(Group.objects.for_trainee(request.user))
    progress = context.get("progress")
    learner = existing_learner(request) if groups else None
    rows = [
        (
            group,
            revision_plan(
                progress=progress, learner=learner, assessment_date=group.assessment_date
            ),
        )
        for group in groups
    ]
    return {"groups": rows}
