"""Exercise 4's pages: a new ticket, an answer, and the trainer's pick of a trainee's fault."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quizapp.lab import services as lab_services
from quizapp.lab import views as lab_views
from quizapp.lab.faults import services
from quizapp.lab.faults.forms import AssignFaultForm, DiagnosisForm
from quizapp.lab.faults.models import FaultTicket
from quizapp.lab.forms import PortMapForm
from quizapp.lab.models import LabMailbox, LabServer

SECTION = "#diagnose"


def _get_embedded_lab(pk) -> LabServer:
    return get_object_or_404(LabServer.objects.active().filter(embedded=True), pk=pk)


def _refuse(request, lab, message: str, status: int, diagnosis_form=None):
    mailbox = LabMailbox.objects.filter(user=request.user, lab=lab).first()
    return lab_views._render_lab(
        request,
        lab,
        mailbox,
        PortMapForm(lab.ports()),
        error=message,
        status=status,
        diagnosis_form=diagnosis_form,
    )


@login_required
@require_POST
def new_ticket(request, pk):
    lab = _get_embedded_lab(pk)
    try:
        services.open_ticket(user=request.user, lab=lab)
    except lab_services.CheckRefused as refused:
        return _refuse(request, lab, refused.message, refused.status)
    messages.success(request, _("A new ticket is waiting for you in exercise 4."))
    return redirect(lab.get_absolute_url() + SECTION)


@login_required
@require_POST
def answer(request, pk):
    lab = _get_embedded_lab(pk)
    ticket = services.open_ticket_for(user=request.user, lab=lab)
    if ticket is None or str(ticket.pk) != request.POST.get("ticket"):
        message = _("This ticket is closed: answer the one shown now.")
        return _refuse(request, lab, message, 409)
    form = DiagnosisForm(request.POST)
    if not form.is_valid():
        message = _("Say what is wrong and which setting to change first.")
        return _refuse(request, lab, message, 400, diagnosis_form=form)
    try:
        run = services.start_diagnosis(
            user=request.user, lab=lab, ticket=ticket, answer=form.answer()
        )
    except lab_services.CheckRefused as refused:
        return _refuse(request, lab, refused.message, refused.status, diagnosis_form=form)
    return redirect(run)


def _trainer_required(request) -> None:
    if not (request.user.is_trainer or request.user.is_superuser):
        raise PermissionDenied


@login_required
def trainer_tickets(request, pk):
    """List the trainees' tickets on an embedded lab; give one trainee a fault of your choice."""
    _trainer_required(request)
    lab = _get_embedded_lab(pk)
    form = AssignFaultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        trainee = get_object_or_404(
            get_user_model().objects.filter(lab_mailboxes__lab=lab), pk=request.POST.get("user")
        )
        try:
            ticket = services.open_ticket(
                user=trainee, lab=lab, fault=form.cleaned_data["fault"], by=request.user
            )
        except lab_services.CheckRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("%(user)s has a new ticket: %(fault)s.")
                % {"user": trainee.get_username(), "fault": ticket.get_fault_display()},
            )
        return redirect("lab:trainer_tickets", pk=lab.pk)
    mailboxes = LabMailbox.objects.filter(lab=lab).select_related("user").order_by("user__username")
    open_tickets = {t.user_id: t for t in FaultTicket.objects.open().filter(lab=lab)}
    rows = [{"mailbox": m, "ticket": open_tickets.get(m.user_id)} for m in mailboxes]
    return render(
        request,
        "lab/trainer_tickets.html",
        {"lab": lab, "rows": rows, "form": form, "nav": "lab"},
    )
