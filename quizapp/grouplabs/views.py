"""Trainer pages for labs and groups: mailboxes, access, and the trainees' checks."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from quizapp.accounts.decorators import trainer_required
from quizapp.accounts.models import User
from quizapp.adaptive.services import LAB_PASS
from quizapp.grouplabs import services
from quizapp.groups.models import Group
from quizapp.groups.ownership import get_group_for_trainer
from quizapp.lab.models import LabMailbox, LabRun, LabServer

RUNS_PER_PAGE = 50


def _get_lab_for(request, pk) -> LabServer:
    """Return a lab whose mailboxes the trainer manages (their own, the embedded one), or 404."""
    return get_object_or_404(LabServer.objects.managed_by(request.user), pk=pk)


def _group_from(request, data) -> Group | None:
    """Return the group named by ?group= or a posted group, 404 unless the trainer trains it."""
    raw = data.get("group", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_group_for_trainer(request.user, int(raw))


def _manage_url(lab, group=None) -> str:
    url = reverse("grouplabs:manage", kwargs={"pk": lab.pk})
    return f"{url}?group={group.pk}" if group else url


@trainer_required
@cache_control(private=True, no_store=True)  # the page shows lab passwords
def manage(request, pk):
    """Show a lab's mailboxes for one of the trainer's groups, its access and its log."""
    lab = _get_lab_for(request, pk)
    groups = Group.objects.for_trainer(request.user)
    group = _group_from(request, request.GET) or groups.first()
    rows = []
    if group is not None:
        mailboxes = {m.user_id: m for m in lab.mailboxes.filter(user__in=group.trainees.all())}
        rows = [(t, mailboxes.get(t.pk)) for t in group.trainees.order_by("username")]
    context = {
        "lab": lab,
        "group": group,
        "groups": groups,
        "rows": rows,
        "missing": sum(mailbox is None for _trainee, mailbox in rows),
        "can_share": not lab.embedded and LabServer.objects.editable_by(request.user).contains(lab),
        "shared_with": set(lab.group_access.values_list("group_id", flat=True)),
        "other_groups": lab.group_access.exclude(group__in=groups).count(),
        "actions": lab.trainer_actions.select_related("actor", "group")[:20],
        "nav": "lab",
    }
    return render(request, "grouplabs/manage.html", context)


@trainer_required
@require_POST
def create_mailboxes(request, pk):
    lab = _get_lab_for(request, pk)
    group = _group_from(request, request.POST)
    if group is None:
        raise Http404
    made = services.create_mailboxes(lab=lab, group=group, actor=request.user)
    if made:
        message = _("%(count)s mailboxes created for %(group)s.")
        messages.success(request, message % {"count": made, "group": group.name})
    else:
        messages.info(request, _("Every trainee of this group already has a mailbox here."))
    return redirect(_manage_url(lab, group))


@trainer_required
@require_POST
def reset_password(request, pk, mailbox_pk):
    """Give a trainee's mailbox a new password; only for trainees of the trainer's groups."""
    lab = _get_lab_for(request, pk)
    trainees = Q(user__memberships__group__in=Group.objects.for_trainer(request.user))
    mailbox = get_object_or_404(
        LabMailbox.objects.filter(trainees).select_related("lab", "user").distinct(),
        lab=lab,
        pk=mailbox_pk,
    )
    services.reset_password(mailbox=mailbox, actor=request.user)
    message = _("New password for %(name)s's mailbox: the old one no longer works.")
    messages.success(request, message % {"name": mailbox.user.get_username()})
    return redirect(_manage_url(lab, _group_from(request, request.POST)))


@trainer_required
@require_POST
def set_access(request, pk):
    """Choose which of the trainer's groups may use a lab they created."""
    lab = get_object_or_404(LabServer.objects.editable_by(request.user), pk=pk, embedded=False)
    among = Group.objects.for_trainer(request.user)
    ids = [value for value in request.POST.getlist("groups") if value.isdigit()]
    wanted = list(among.filter(pk__in=ids))
    if len(wanted) != len(set(ids)):
        raise Http404  # a group that is not the trainer's
    added, removed = services.set_access(lab=lab, wanted=wanted, among=among, actor=request.user)
    message = _("Access saved: %(added)s groups added, %(removed)s removed.")
    messages.success(request, message % {"added": added, "removed": removed})
    return redirect(_manage_url(lab, _group_from(request, request.POST)))


RESULTS = {
    "passed": Q(status=LabRun.Status.DONE, grade__gte=LAB_PASS),
    "failed": Q(status=LabRun.Status.DONE) & (Q(grade__lt=LAB_PASS) | Q(grade=None)),
    "error": Q(status=LabRun.Status.ERROR),
    "unfinished": Q(status__in=[LabRun.Status.PENDING, LabRun.Status.RUNNING]),
}


def _runs_for(request, group, trainee, data) -> QuerySet:
    runs = LabRun.objects.all()
    if not request.user.is_superuser or group is not None:
        groups = [group] if group else Group.objects.for_trainer(request.user)
        runs = runs.filter(
            pk__in=LabRun.objects.filter(user__memberships__group__in=groups).values("pk")
        )
    if trainee is not None:
        runs = runs.filter(user=trainee)
    if data.get("exercise") in LabRun.Kind.values:
        runs = runs.filter(kind=data["exercise"])
    if data.get("result") in RESULTS:
        runs = runs.filter(RESULTS[data["result"]])
    return runs.select_related("user", "lab")


def _trainee_from(request, group, data):
    """Return the trainee named by ?trainee=, 404 unless in the group (or the trainer's groups)."""
    raw = data.get("trainee", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    groups = [group] if group else Group.objects.for_trainer(request.user)
    return get_object_or_404(_all_trainees(groups), pk=int(raw))


@trainer_required
def run_list(request):
    """List the checks of the trainer's trainees, newest first, filtered without JavaScript."""
    group = _group_from(request, request.GET)
    trainee = _trainee_from(request, group, request.GET)
    runs = _runs_for(request, group, trainee, request.GET)
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    groups = Group.objects.for_trainer(request.user)
    trainees = group.trainees.all() if group else _all_trainees(groups)
    context = {
        "page": page,
        "query": query.urlencode(),
        "groups": groups,
        "group": group,
        "trainees": trainees.order_by("username"),
        "trainee": trainee,
        "kinds": LabRun.Kind.choices,
        "exercise": request.GET.get("exercise", ""),
        "results": _result_choices(),
        "result": request.GET.get("result", ""),
        "nav": "lab",
    }
    return render(request, "grouplabs/runs.html", context)


def _all_trainees(groups) -> QuerySet:
    return User.objects.filter(memberships__group__in=groups).distinct()


def _result_choices() -> list[tuple[str, str]]:
    return [
        ("passed", _("passed")),
        ("failed", _("not passed")),
        ("error", _("failed to run")),
        ("unfinished", _("not finished")),
    ]
