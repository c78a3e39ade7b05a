"""The item analysis page: per question, for one of the trainer's groups or everyone."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from course.models import Topic
from quizapp.accounts.decorators import trainer_required
from quizapp.groups.models import Group
from quizapp.groups.ownership import get_group_for_trainer
from quizapp.htmx import wants_fragment
from quizapp.itemanalysis import statistics
from quizapp.itemanalysis.analysis import analyse, answers_since, snapshot
from quizapp.itemanalysis.presenting import labels, present
from quizapp.practice.models import Learner

ROWS_PER_PAGE = 50
COLUMNS = {
    "key": _("Question"),
    "answers": _("Answers"),
    "facility": _("Facility"),
    "discrimination": _("Discrimination"),
    "time": _("Median time"),
    "difficulty": _("Learned difficulty"),
    "flags": _("Flags"),
}
# Sort keys a column link may ask for; missing figures sort last either way.
SORTS = {
    "key": lambda row: row.question.key,
    "answers": lambda row: row.figures.n,
    "facility": lambda row: row.figures.facility,
    "discrimination": lambda row: row.figures.discrimination,
    "time": lambda row: row.median_seconds,
    "difficulty": lambda row: row.learned_b,
    "flags": lambda row: len(row.figures.flags),
}


def _sorted(rows, sort: str) -> list:
    name = sort.removeprefix("-")
    key = SORTS[name]
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=sort.startswith("-")) + missing


def _scope(request):
    """Return (group or None, learners or None) from ?group=, 404 for someone else's group."""
    raw = request.GET.get("group", "")
    if not raw:
        return None, None
    if not raw.isdigit():
        raise Http404
    group = get_group_for_trainer(request.user, int(raw))
    return group, Learner.objects.filter(user__memberships__group=group)


@trainer_required
@vary_on_headers("HX-Request")
def item_analysis(request):
    """Show each question's figures and flags; a filter form picks group, topic and flags."""
    group, learners = _scope(request)
    topic_slug = request.GET.get("topic", "")
    topic = get_object_or_404(Topic, slug=topic_slug) if topic_slug else None
    sort = request.GET.get("sort", "-flags")
    if sort.removeprefix("-") not in SORTS:
        sort = "-flags"
    computed = snapshot(
        learners=learners,
        scope=f"group-{group.pk}" if group else "everyone",
        fresh=request.GET.get("fresh") == "1",
    )
    rows = analyse(computed=computed, topic=topic)
    flagged_only = request.GET.get("flagged") == "1"
    shown = _sorted([row for row in rows if row.flagged] if flagged_only else rows, sort)
    filters = _filters(group, topic, flagged_only)
    page = Paginator(shown, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "rows": shown,
        "page": page,
        "shown": present(page.object_list),
        "page_query": f"{filters}&sort={sort}&" if filters else f"sort={sort}&",
        "analysed": len(rows),
        "flagged_count": sum(row.flagged for row in rows),
        "answer_count": sum(row.figures.n for row in rows),
        "computed_at": computed.computed_at,
        "answers_since": answers_since(computed, learners),
        "fresh_query": f"{filters}&fresh=1" if filters else "fresh=1",
        "group": group,
        "scope_name": group.name if group else _("everyone"),
        "topic": topic,
        "flagged_only": flagged_only,
        "sort": sort,
        "groups": Group.objects.for_trainer(request.user),
        "topics": Topic.objects.all(),
        "thresholds": statistics,
        "columns": _columns(filters, sort),
        "nav": "item_analysis",
        **labels(),
    }
    template = "itemanalysis/page.html"
    return render(request, f"{template}#results" if wants_fragment(request) else template, context)


def _filters(group, topic, flagged_only: bool) -> str:
    """Return the query string of the filters, for the sort links to keep them."""
    params = {"group": group.pk if group else "", "topic": topic.slug if topic else ""}
    if flagged_only:
        params["flagged"] = "1"
    return urlencode({key: value for key, value in params.items() if value})


def _columns(filters: str, sort: str) -> list[dict]:
    """Return each sortable column with the link that sorts by it (again: the other way)."""
    columns = []
    for name, label in COLUMNS.items():
        current = sort.removeprefix("-") == name
        descending = sort.startswith("-")
        # A first click sorts text A→Z and figures from the highest.
        wanted = ("" if descending else "-") if current else ("" if name == "key" else "-")
        query = f"{filters}&sort={wanted}{name}" if filters else f"sort={wanted}{name}"
        direction = ("descending" if descending else "ascending") if current else ""
        columns.append({"name": name, "label": label, "query": query, "aria_sort": direction})
    return columns
