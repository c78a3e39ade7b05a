"""Trainer lab pages: define lab servers (mailboxes, access and checks: quizapp.grouplabs)."""

import logging

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from quizapp.accounts.decorators import trainer_required
from quizapp.lab.forms import LabServerForm
from quizapp.lab.models import LabServer

logger = logging.getLogger(__name__)


def _get_lab_for_trainer(request, pk) -> LabServer:
    """Return a lab the trainer created (any lab for a superuser), or 404."""
    return get_object_or_404(LabServer.objects.editable_by(request.user), pk=pk)


@trainer_required
def lab_list(request):
    """List the labs a trainer manages: those they created, and the embedded lab."""
    labs = LabServer.objects.managed_by(request.user).annotate(run_count=Count("runs"))
    editable = set(LabServer.objects.editable_by(request.user).values_list("pk", flat=True))
    context = {"labs": labs, "editable": editable, "nav": "lab"}
    return render(request, "lab/trainer_labs.html", context)


@trainer_required
def lab_create(request):
    form = LabServerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        lab = form.save(commit=False)
        lab.created_by = request.user
        lab.save()
        logger.info("%s created lab %s (%s)", request.user, lab.pk, lab.name)
        messages.success(request, _("Lab “%(name)s” created.") % {"name": lab.name})
        return redirect("lab:trainer_labs")
    status = 400 if form.errors else 200
    context = {"form": form, "lab": None, "nav": "lab"}
    return render(request, "lab/trainer_lab_form.html", context, status=status)


@trainer_required
def lab_edit(request, pk):
    lab = _get_lab_for_trainer(request, pk)
    form = LabServerForm(request.POST or None, instance=lab, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        logger.info("%s changed lab %s: %s", request.user, lab.pk, form.changed_data)
        messages.success(request, _("Lab “%(name)s” saved.") % {"name": lab.name})
        return redirect("lab:trainer_labs")
    status = 400 if form.errors else 200
    context = {"form": form, "lab": lab, "nav": "lab"}
    return render(request, "lab/trainer_lab_form.html", context, status=status)
