"""Trainers copy the shipped blueprint and change their copies; nobody edits the original."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseStopPolling

from quizapp.accounts.decorators import trainer_required
from quizapp.exams import blueprints, clock, given
from quizapp.exams.forms import ExamForm, ExtraTimeForm, GiveForm
from quizapp.exams.models import Assignment, Exam
from quizapp.groups.models import Group
from quizapp.htmx import wants_fragment


@require_POST
@trainer_required
def copy(request, slug):
    exam = get_object_or_404(Exam.objects.visible_to(request.user), slug=slug)
    mine = blueprints.copy_exam(exam=exam, owner=request.user)
    return redirect("exams:edit", slug=mine.slug)


@require_http_methods(["GET", "POST"])
@trainer_required
def edit(request, slug):
    exam = get_object_or_404(Exam, owner=request.user, slug=slug)
    form = ExamForm(request.POST or None, instance=exam)
    if request.method == "POST" and form.is_valid():
        blueprints.save_exam(form=form)
        return redirect(exam)
    status = 400 if form.errors else 200
    context = {"form": form, "exam": exam, "nav": "exams"}
    return render(request, "exams/edit.html", context, status=status)


def _get_assignment_for(request, pk) -> Assignment:
    """Return an exam given to one of the trainer's groups, or 404 (STYLE.md §11)."""
    mine = Assignment.objects.filter(group__in=Group.objects.for_trainer(request.user))
    return get_object_or_404(mine.select_related("exam", "group"), pk=pk)


@require_http_methods(["GET", "POST"])
@trainer_required
def give(request, slug):
    exam = get_object_or_404(Exam.objects.visible_to(request.user), slug=slug)
    form = GiveForm(request.POST or None, groups=Group.objects.for_trainer(request.user))
    if request.method == "POST" and form.is_valid():
        assignment = given.give_exam(trainer=request.user, exam=exam, **form.cleaned_data)
        return redirect(assignment)
    status = 400 if form.errors else 200
    context = {"form": form, "exam": exam, "nav": "exams"}
    return render(request, "exams/give.html", context, status=status)


@vary_on_headers("HX-Request")
@trainer_required
def monitor(request, pk):
    assignment = _get_assignment_for(request, pk)
    now = clock.now()
    rows = given.monitor(assignment, now=now)
    done = given.all_done(assignment, rows, now=now)
    context = {
        "assignment": assignment,
        "rows": rows,
        "done": done,
        "now": now,
        "extra_form": ExtraTimeForm(trainees=assignment.group.trainees.all()),
        "extra_times": assignment.extra_times.select_related("trainee", "granted_by"),
        "nav": "exams",
    }
    if wants_fragment(request):
        response = render(request, "exams/monitor.html#table", context)
        if done:
            # 286 tells htmx to stop polling: everyone has finished.
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, "exams/monitor.html", context)


@require_POST
@trainer_required
def extra_time(request, pk):
    assignment = _get_assignment_for(request, pk)
    form = ExtraTimeForm(request.POST, trainees=assignment.group.trainees.all())
    if not form.is_valid():
        context = {"assignment": assignment, "extra_form": form, "nav": "exams", "rows": []}
        context["extra_times"] = assignment.extra_times.select_related("trainee", "granted_by")
        context["now"] = clock.now()
        return render(request, "exams/monitor.html", context, status=400)
    given.grant_extra_time(trainer=request.user, assignment=assignment, **form.cleaned_data)
    return redirect(assignment)
