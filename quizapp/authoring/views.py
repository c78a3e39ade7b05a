"""Trainer pages on questions: the list, a preview as trainees see it, edit, publish."""

import random
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from quizapp.accounts.decorators import trainer_required
from quizapp.authoring import services
from quizapp.authoring.forms import QuestionFilterForm, QuestionForm
from quizapp.bank import specs
from quizapp.bank.models import Question
from quizapp.htmx import wants_fragment
from quizapp.practice.models import Answer, SessionItem

# The trainee's page builds its context with these: the preview calls the same
# functions, so it shows exactly what a trainee sees, whatever they come to show.
from quizapp.practice.views import _feedback, _question

QUESTIONS_PER_PAGE = 50


def _next_url(request, default: str) -> str:
    """Return the page to go back to after a POST: ?next= on this site, else `default`."""
    url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    return url if url and safe else default


@trainer_required
def question_list(request):
    """List questions (drafts first), filtered, with boxes to publish or unpublish several."""
    form = QuestionFilterForm(request.GET or None)
    questions = Question.objects.select_related("main_topic").order_by("status", "key")
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            questions = questions.filter(status=data["status"])
        if data["topic"]:
            questions = questions.filter(main_topic=data["topic"])
        if data["q"]:
            words = data["q"]
            text = Q(key__icontains=words) | Q(text_fr__icontains=words)
            questions = questions.filter(text | Q(text_en__icontains=words))
    page = Paginator(questions.defer("explanation_fr", "explanation_en"), QUESTIONS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "draft_count": Question.objects.filter(status=Question.Status.DRAFT).count(),
        "nav": "questions",
    }
    return render(request, "authoring/list.html", context)


def _done_message(status: str, count: int) -> str:
    if status == Question.Status.PUBLISHED:
        text = ngettext("%(count)s question published.", "%(count)s questions published.", count)
    else:
        text = ngettext(
            "%(count)s question unpublished.", "%(count)s questions unpublished.", count
        )
    return text % {"count": count}


def _unpublishable(questions) -> list[str]:
    """Return the keys of questions whose spec no longer fits their type."""
    broken = []
    for question in questions:
        try:
            question.clean()
        except ValidationError:
            broken.append(question.key)
    return broken


@trainer_required
@require_POST
def bulk_status(request):
    """Publish or unpublish the ticked questions, all or none."""
    status = request.POST.get("status", "")
    ids = [value for value in request.POST.getlist("question") if value.isdigit()]
    back = _next_url(request, reverse("authoring:list"))
    if status not in Question.Status.values:
        messages.error(request, _("Choose to publish or to unpublish."))
        return redirect(back)
    if not ids:
        messages.error(request, _("Tick at least one question first."))
        return redirect(back)
    questions = Question.objects.filter(pk__in=ids)
    if status == Question.Status.PUBLISHED and (broken := _unpublishable(questions)):
        message = _("Nothing was published: fix these questions first: %(keys)s.")
        messages.error(request, message % {"keys": ", ".join(broken)})
        return redirect(back)
    reason = request.POST.get("reason", "")[:50]
    changed = services.set_status(
        questions=questions, status=status, user=request.user, reason=reason
    )
    messages.success(request, _done_message(status, changed))
    return redirect(back)


@trainer_required
@require_POST
def set_status(request, pk):
    """Publish or unpublish one question (from its page or from the item analysis)."""
    question = get_object_or_404(Question, pk=pk)
    status = request.POST.get("status", "")
    back = _next_url(request, reverse("authoring:preview", kwargs={"pk": pk}))
    if status not in Question.Status.values:
        messages.error(request, _("Choose to publish or to unpublish."))
        return redirect(back)
    if status == Question.Status.PUBLISHED and _unpublishable([question]):
        messages.error(request, _("This question cannot be published: edit it first."))
        return redirect(back)
    reason = request.POST.get("reason", "")[:50]
    questions = Question.objects.filter(pk=pk)
    services.set_status(questions=questions, status=status, user=request.user, reason=reason)
    if status == Question.Status.PUBLISHED:
        message = _("Question %(key)s published.")
    else:
        message = _("Question %(key)s unpublished: trainees no longer get it.")
    messages.success(request, message % {"key": question.key})
    return redirect(back)


@dataclass
class _PreviewSession:
    """What the trainee's templates read of a session, pointing back at the preview."""

    url: str
    size: int = 2

    def get_absolute_url(self) -> str:
        return self.url


def _preview_item(question: Question, seed: int) -> SessionItem:
    rng = random.Random(f"{question.pk}-{seed}")  # noqa: S311  (shuffling, not secrets)
    order = specs.shuffled_keys(question.type, question.spec, rng)
    return SessionItem(position=1, question=question, choice_order=order, reason="preview")


@trainer_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def preview(request, pk):
    """Show a question as a trainee sees it; an answer sent here is graded, never stored."""
    question = get_object_or_404(Question.objects.select_related("main_topic", "section"), pk=pk)
    raw_seed = request.GET.get("seed", "1")  # the answer form posts to ?seed= too
    seed = int(raw_seed) if raw_seed.isdigit() else 1
    item = _preview_item(question, seed)
    url = reverse("authoring:preview", kwargs={"pk": pk})
    context = {
        "question": question,
        "session": _PreviewSession(f"{url}?seed={seed + 1}"),
        "total": 2,
        "answered": 0,
        "answer_url": f"{url}?seed={seed}",
        "state": "question",
        "log": question.log.select_related("user")[:20],
        "nav": "questions",
        **_question(item),
    }
    status = 200
    if request.method == "POST":
        context, status = _try_answer(request, item, context)
    template = "authoring/preview.html"
    return render(
        request, f"{template}#area" if wants_fragment(request) else template, context, status=status
    )


def _try_answer(request, item: SessionItem, context: dict) -> tuple[dict, int]:
    question = item.question
    try:
        given = specs.parse_answer(question.type, question.spec, item.choice_order, request.POST)
    except specs.InvalidAnswer as error:
        return {**context, **_question(item, error=str(error))}, 400
    grade = question.grade(given)
    item.answer = Answer(
        given=given, score=grade.score, correct=grade.correct, misconceptions=grade.misconceptions
    )
    return {**context, "state": "feedback", "answered": 1, **_feedback(item)}, 200


@trainer_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    question = get_object_or_404(Question, pk=pk)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        services.save_edit(form=form, user=request.user)
        messages.success(request, _("Question %(key)s saved.") % {"key": question.key})
        return redirect("authoring:preview", pk=pk)
    status = 400 if form.errors else 200
    context = {"form": form, "question": question, "nav": "questions"}
    return render(request, "authoring/edit.html", context, status=status)
