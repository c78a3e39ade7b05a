from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from course.rendering import render_markdown
from quizapp.bank.specs import InvalidAnswer, parse_answer
from quizapp.practice import presenting, summary
from quizapp.practice.forms import StartForm
from quizapp.practice.models import PracticeSession, SessionItem
from quizapp.practice.services import (
    learner_for,
    owner_filter,
    record_answer,
    serve_next,
    start_session,
)


def _get_session_for(request, pk) -> PracticeSession:
    """Return the request's own session, or 404: nobody reaches another's practice."""
    sessions = PracticeSession.objects.filter(**owner_filter(request)).select_related(
        "learner__model", "section", "topic"
    )
    return get_object_or_404(sessions, pk=pk)


def _is_htmx(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_http_methods(["GET", "POST"])
def practice_home(request):
    form = StartForm(request.POST or None, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        session = start_session(learner=learner_for(request), **form.cleaned_data)
        return redirect(session)
    unfinished = PracticeSession.objects.filter(**owner_filter(request), finished_at=None)[:5]
    status = 400 if form.errors else 200
    context = {"form": form, "unfinished": unfinished, "nav": "practice"}
    return render(request, "practice/home.html", context, status=status)


def _area_context(session, items, feedback_position=None) -> dict:
    answered = sum(hasattr(item, "answer") for item in items)
    context = {"session": session, "answered": answered, "total": session.size}
    if feedback_position is not None:
        item = next((i for i in items if i.position == feedback_position), None)
        if item is not None and hasattr(item, "answer"):
            return {**context, "state": "feedback", **_feedback(item)}
    current = next((item for item in items if not hasattr(item, "answer")), None)
    if current is None:
        current = serve_next(session=session, items=items)
    if current is None:
        if session.finished_at is None:
            session.finished_at = timezone.now()
            session.save(update_fields=["finished_at"])
        return {
            **context,
            "state": "summary",
            "topic_scores": summary.topic_scores(items),
            "to_review": summary.misconceptions_to_review(items),
            "to_reread": summary.paragraphs_to_reread(items),
        }
    return {**context, "state": "question", **_question(current)}


def _question(item, error: str = "") -> dict:
    return {
        "item": item,
        "shown": presenting.show(item.question, item.choice_order),
        "reason": presenting.reason_text(item),
        "error": error,
    }


def _feedback(item) -> dict:
    question = item.question
    return {
        "item": item,
        "answer": item.answer,
        "right_answer": presenting.right_answer(question),
        "given_answer": presenting.given_answer(question, item.answer.given),
        "explanation": question.explanation,
        "question_html": render_markdown(question.text),
    }


def _items(session) -> list:
    items = session.items.select_related(
        "question__section", "question__main_topic", "question__stat", "answer"
    )
    for item in items:
        item.session = session  # spares a query per item
    return list(items)


@vary_on_headers("HX-Request")
def session_page(request, pk):
    session = _get_session_for(request, pk)
    items = _items(session)
    feedback = request.GET.get("feedback", "")
    context = _area_context(session, items, int(feedback) if feedback.isdigit() else None)
    template = "practice/session.html#area" if _is_htmx(request) else "practice/session.html"
    return render(request, template, {**context, "nav": "practice"})


def _answerable_items(request, pk) -> list:
    """Return the items of the request's own session, with the session, in one query."""
    owner = {f"session__{key}": value for key, value in owner_filter(request).items()}
    items = list(
        SessionItem.objects.filter(session_id=pk, **owner).select_related(
            "session__learner__model",
            "session__section",
            "session__topic",
            "question__section",
            "question__main_topic",
            "question__stat",
            "answer",
        )
    )
    if not items:
        raise Http404
    session = items[0].session
    for item in items:
        item.session = session
    return items


@require_POST
def answer(request, pk, position):
    items = _answerable_items(request, pk)
    session = items[0].session
    item = next((i for i in items if i.position == position), None)
    if item is None:
        return _refuse(request, session, items, _("This question is not part of your session."))
    if not hasattr(item, "answer"):
        if item.served_at is None:
            message = _("This question has not been asked yet: answer the current one first.")
            return _refuse(request, session, items, message)
        try:
            given = parse_answer(
                item.question.type, item.question.spec, item.choice_order, request.POST
            )
        except InvalidAnswer as error:
            return _refuse(request, session, items, str(error), item=item)
        item.answer = record_answer(item=item, given=given).answer
    if not _is_htmx(request):
        url = reverse("practice:session", kwargs={"pk": session.pk})
        return redirect(f"{url}?feedback={item.position}")
    context = _area_context(session, items, feedback_position=item.position)
    return render(request, "practice/session.html#area", {**context, "nav": "practice"})


def _refuse(request, session, items, message, item=None):
    """Re-show the current question with the reason, as a 400 (htmx swaps it too)."""
    context = _area_context(session, items)
    if item is not None and context["state"] == "question":
        context.update(_question(item, error=message))
    context["error"] = message
    template = "practice/session.html#area" if _is_htmx(request) else "practice/session.html"
    return render(request, template, {**context, "nav": "practice"}, status=400)
