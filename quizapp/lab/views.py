"""Trainee lab pages: pick a lab, see its mailbox, start checks, follow a run."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseStopPolling

from quizapp.htmx import wants_fragment
from quizapp.lab import autoconfig, clients, presenting, services
from quizapp.lab.faults import presenting as fault_presenting
from quizapp.lab.faults.forms import DiagnosisForm
from quizapp.lab.forms import PortMapForm
from quizapp.lab.models import LabMailbox, LabRun, LabServer
from quizapp.lab.server.tls import certificate_fingerprint

RECENT_RUNS = 20


def _get_lab(request, pk) -> LabServer:
    """Return a lab open to the request's user, or 404: nobody reaches a lab not on their list."""
    return get_object_or_404(LabServer.objects.open_to(request.user), pk=pk)


def _get_run_for(request, pk) -> LabRun:
    """Return the request's own run, or a run of a trainee in a group the trainer trains.

    Groups are reached by relation (quizapp.groups depends on the lab, not the reverse).
    """
    runs = LabRun.objects.select_related("lab", "user")
    if not request.user.is_superuser:
        mine = Q(user=request.user)
        if request.user.is_trainer:
            mine |= Q(user__memberships__group__trainers=request.user)
        runs = runs.filter(pk__in=LabRun.objects.filter(mine).values("pk"))
    return get_object_or_404(runs, pk=pk)


@login_required
def index(request):
    labs = LabServer.objects.open_to(request.user)
    return render(request, "lab/index.html", {"labs": labs, "nav": "lab"})


def _render_lab(
    request, lab, mailbox, form, *, error: str = "", status: int = 200, diagnosis_form=None
):
    runs = LabRun.objects.filter(user=request.user, lab=lab)[:RECENT_RUNS]
    fingerprint = certificate_fingerprint(services.data_dir()) if lab.embedded else None
    context = {
        "lab": lab,
        "mailbox": mailbox,
        "fingerprint": fingerprint,
        "form": form,
        "steps": presenting.exercise_steps(lab, mailbox),
        "runs": runs,
        "error": error,
        "kinds": LabRun.Kind,
        "client_setup": _client_setup(request, lab, mailbox),
        "diagnose": fault_presenting.section(
            lab, mailbox, request.user, diagnosis_form or DiagnosisForm()
        ),
        "nav": "lab",
    }
    return render(request, "lab/lab.html", context, status=status)


def _client_setup(request, lab, mailbox) -> dict:
    username = mailbox.address if mailbox else autoconfig.USERNAME_PLACEHOLDER
    address = mailbox.address if mailbox else f"name@{lab.domain}"
    return {
        "tables": clients.client_tables(lab, username),
        "username": username,
        "srv": autoconfig.srv_records(lab),
        "apple": autoconfig.apple_profile(lab, address) is not None,
        "well_known_url": (
            f"https://autoconfig.{lab.domain}/mail/config-v1.1.xml?emailaddress={address}\n"
            f"https://{lab.domain}/.well-known/autoconfig/mail/config-v1.1.xml"
        ),
    }


@login_required
@cache_control(private=True, no_store=True)  # the page shows the lab password
def lab_page(request, pk):
    lab = _get_lab(request, pk)
    mailbox = services.mailbox_for(user=request.user, lab=lab)
    return _render_lab(request, lab, mailbox, PortMapForm(lab.ports()))


def _refuse(request, lab, form, message: str, status: int):
    """Show the lab page again with why the action was refused."""
    mailbox = LabMailbox.objects.filter(user=request.user, lab=lab).first()
    return _render_lab(request, lab, mailbox, form, error=message, status=status)


@login_required
@require_POST
def start_check(request, pk, kind):
    lab = _get_lab(request, pk)
    if kind not in LabRun.Kind.values or kind == LabRun.Kind.DIAGNOSE:
        raise Http404  # a diagnosis is answered through its own form (faults/views.py)
    form, answers = PortMapForm(lab.ports()), {}
    if kind == LabRun.Kind.PORT_MAP:
        form = PortMapForm(lab.ports(), request.POST)
        if not form.is_valid():
            message = _("Answer the protocol and the security of every port first.")
            return _refuse(request, lab, form, message, 400)
        answers = form.answers()
    try:
        run = services.start_run(user=request.user, lab=lab, kind=kind, answers=answers)
    except services.CheckRefused as refused:
        return _refuse(request, lab, form, refused.message, refused.status)
    return redirect(run)


@login_required
@require_POST
def practice_messages(request, pk):
    lab = _get_lab(request, pk)
    try:
        services.deliver_practice_messages(user=request.user, lab=lab)
    except services.CheckRefused as refused:
        return _refuse(request, lab, PortMapForm(lab.ports()), refused.message, refused.status)
    messages.success(request, _("Two practice messages are now in your lab mailbox."))
    return redirect(lab.get_absolute_url() + "#pop-vs-imap")


def _version(run: LabRun, done: int) -> str:
    """Return what changes whenever the results fragment would change."""
    return f"{run.status}-{done}"


@login_required
@vary_on_headers("HX-Request")
def run_page(request, pk):
    run = _get_run_for(request, pk)
    run.expire_if_stale()
    checks = list(run.ports.all())
    done = sum(check.done for check in checks)
    version = _version(run, done)
    if wants_fragment(request) and not run.finished and request.GET.get("v") == version:
        return HttpResponse(status=204)  # nothing new: htmx keeps the page as it is
    mailbox = LabMailbox.objects.filter(user=run.user, lab=run.lab).first()
    context = {
        "run": run,
        "done": done,
        "total": len(checks),
        "version": version,
        "queued_before": _queued_before(run),
        "rows": presenting.port_rows(run, checks),
        "error_text": presenting.error_text(run),
        "send": presenting.send_fetch_view(run),
        "pop_imap": presenting.pop_vs_imap_view(run, mailbox),
        "mailbox_transcript": presenting.mailbox_transcript(run),
        "diagnosis": fault_presenting.diagnosis_view(run),
        "is_owner": run.user_id == request.user.pk,
        "nav": "lab",
    }
    if not wants_fragment(request):
        return render(request, "lab/run.html", context)
    if run.finished:
        # 286 ends htmx polling; the final results are still swapped in.
        html = render_to_string("lab/run.html#results", context, request)
        return HttpResponseStopPolling(html)
    return render(request, "lab/run.html#results", context)


def _queued_before(run: LabRun) -> int:
    if run.status != LabRun.Status.PENDING:
        return 0
    return LabRun.objects.filter(status=LabRun.Status.PENDING, pk__lt=run.pk).count()
