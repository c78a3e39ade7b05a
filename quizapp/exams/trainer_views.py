"""Trainers copy the shipped blueprint and change their copies; nobody edits the original."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from quizapp.accounts.decorators import trainer_required
from quizapp.exams import blueprints
from quizapp.exams.forms import ExamForm
from quizapp.exams.models import Exam


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
