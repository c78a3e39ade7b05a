"""Trainer lab pages: define lab servers, follow every trainee's checks."""

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from quizapp.accounts.decorators import trainer_required
from quizapp.lab.forms import LabServerForm
from quizapp.lab.models import LabRun, LabServer

logger = logging.getLogger(__name__)
RUNS_PER_PAGE = 50


def _get_lab_for_trainer(request, pk) -> LabServer:
    """Return a lab the trainer created (any lab for a superuser), or 404."""
    return get_object_or_404(LabServer.objects.editable_by(request.user), pk=pk)


@trainer_required
def lab_list(request):
    labs = LabServer.objects.editable_by(request.user).annotate(run_count=Count("runs"))
    return render(request, "lab/trainer_labs.html", {"labs": labs, "nav": "lab"})


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


@trainer_required
def run_list(request):
    """List every trainee's checks, newest first (filtering by group comes later)."""
    runs = LabRun.objects.select_related("user", "lab")
    paginator = Paginator(runs, RUNS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "lab/trainer_runs.html", {"page": page, "nav": "lab"})
