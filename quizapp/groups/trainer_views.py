"""The trainer's side: their groups, the dashboard, a trainee's page, the group's settings.

Every view reaches the group through `get_group_for_trainer` (STYLE.md §11):
another trainer's group, or a trainee outside the trainer's groups, is a 404.
"""

import segno
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from quizapp.accounts.decorators import trainer_required
from quizapp.groups import services
from quizapp.groups.dashboard import LAB_EXERCISES, sort_columns, sort_rows, trainee_rows
from quizapp.groups.forms import GroupForm
from quizapp.groups.models import Group
from quizapp.groups.ownership import get_group_for_trainer, get_trainee_for_trainer
from quizapp.groups.picture import gone_quiet, misconceptions_held, topic_bars
from quizapp.groups.readiness import countdown_words
from quizapp.groups.trainee import trainee_report
from quizapp.htmx import wants_fragment


@trainer_required
def group_list(request):
    groups = Group.objects.for_trainer(request.user).annotate(size=Count("memberships"))
    return render(request, "groups/list.html", {"groups": groups, "nav": "groups"})


@trainer_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    form = GroupForm(request.POST or None, trainer=request.user)
    if request.method == "POST" and form.is_valid():
        group = services.create_group(trainer=request.user, **form.cleaned_data)
        messages.success(request, _("Group “%(name)s” created.") % {"name": group.name})
        return redirect("groups:projector", pk=group.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "group": None, "nav": "groups"}
    return render(request, "groups/form.html", context, status=status)


@trainer_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = get_group_for_trainer(request.user, pk)
    initial = {
        "name": group.name,
        "assessment_date": group.assessment_date,
        "co_trainers": group.trainers.exclude(pk=request.user.pk),
    }
    form = GroupForm(request.POST or None, initial=initial, trainer=request.user)
    if request.method == "POST" and form.is_valid():
        services.edit_group(trainer=request.user, group=group, **form.cleaned_data)
        messages.success(request, _("Group “%(name)s” saved.") % {"name": group.name})
        return redirect(group)
    status = 400 if form.errors else 200
    actions = group.actions.select_related("actor")[:50]
    context = {"form": form, "group": group, "actions": actions, "nav": "groups"}
    return render(request, "groups/form.html", context, status=status)


def join_url(request, group) -> str:
    return request.build_absolute_uri(group.join_path())


@trainer_required
def projector(request, pk):
    """The code, the link and its QR code, big enough for the training-room projector."""
    group = get_group_for_trainer(request.user, pk)
    link = join_url(request, group)
    qr = segno.make(link, error="m").svg_inline(
        scale=10, omitsize=True, title=_("QR code of the join link"), dark="#000", light="#fff"
    )
    context = {"group": group, "link": link, "qr": qr, "nav": "groups"}
    return render(request, "groups/projector.html", context)


@trainer_required
@require_POST
def joining(request, pk):
    group = get_group_for_trainer(request.user, pk)
    open_ = request.POST.get("open") == "1"
    services.set_joining(trainer=request.user, group=group, open_=open_)
    if open_:
        messages.success(request, _("Joining is open again."))
    else:
        messages.success(request, _("Joining is closed: the code no longer lets anyone in."))
    return redirect("groups:projector", pk=group.pk)


@trainer_required
@require_POST
def regenerate(request, pk):
    group = get_group_for_trainer(request.user, pk)
    code = services.regenerate_code(trainer=request.user, group=group)
    messages.success(
        request, _("New join code: %(code)s. The old code no longer works.") % {"code": code}
    )
    return redirect("groups:projector", pk=group.pk)


@trainer_required
@vary_on_headers("HX-Request")
def dashboard(request, pk):
    group = get_group_for_trainer(request.user, pk)
    now = timezone.now()
    topics, rows = trainee_rows(group, now=now)
    sort = request.GET.get("sort", "name")
    context = {
        "group": group,
        "rows": sort_rows(rows, sort),
        "columns": sort_columns(topics, sort),
        "lab_total": LAB_EXERCISES,
        "now": now,
        "nav": "groups",
    }
    if wants_fragment(request):
        return render(request, "groups/dashboard.html#table", context)
    context |= {
        "bars": topic_bars(topics, rows),
        "held": misconceptions_held(group),
        "quiet": gone_quiet(rows, now),
        "countdown": countdown_words(group.assessment_date, timezone.localdate(now))
        if group.assessment_date
        else "",
    }
    return render(request, "groups/dashboard.html", context)


@trainer_required
def trainee_page(request, pk, trainee_pk):
    group, trainee = get_trainee_for_trainer(request.user, pk, trainee_pk)
    context = {"group": group, "trainee": trainee, "nav": "groups"}
    context |= trainee_report(trainee, group=group)
    return render(request, "groups/trainee.html", context)


@trainer_required
@require_http_methods(["GET", "POST"])
def remove_trainee(request, pk, trainee_pk):
    group, trainee = get_trainee_for_trainer(request.user, pk, trainee_pk)
    if request.method == "POST":
        services.remove_trainee(trainer=request.user, group=group, trainee=trainee)
        messages.success(
            request,
            _("%(name)s is no longer in the group. Their own practice is kept.")
            % {"name": trainee.get_username()},
        )
        return redirect(group)
    context = {"group": group, "trainee": trainee, "nav": "groups"}
    return render(request, "groups/remove.html", context)
