from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from course.rendering import render_markdown
from quizapp.bank.specs import InvalidAnswer, parse_answer
from quizapp.htmx import wants_fragment
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
    # An exam's answers live in a session of mode "exam": its review belongs to the exam.
    sessions = (
        PracticeSession.objects.filter(**owner_filter(request))
        .exclude(mode=PracticeSession.Mode.EXAM)
        .select_related("learner__model", "section", "topic")
    )
    return get_object_or_404(sessions, pk=pk)


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


ITEM_RELATED = ("question__section", "question__main_topic", "question__stat")


def _area_context(session, *, feedback_item=None) -> dict:
    """Return what the question area shows: feedback, the current question, or the summary.

    Answering is sequential, so the current question's position says how many
    were answered: no request loads the session's other items, except the summary.
    """
    context = {"session": session, "total": session.size}
    if feedback_item is not None:
        answered = feedback_item.position
        return {**context, "answered": answered, "state": "feedback", **_feedback(feedback_item)}
    current = session.items.filter(answer__isnull=True).select_related(*ITEM_RELATED).first()
    if current is None:
        served = list(session.items.values_list("question_id", flat=True))
        current = serve_next(session=session, served=served)
    if current is None:
        return _summary(session, context)
    current.session = session
    return {**context, "answered": current.position - 1, "state": "question", **_question(current)}


def _summary(session, context: dict) -> dict:
    items = list(session.items.select_related(*ITEM_RELATED, "answer"))
    if session.finished_at is None:
        session.finished_at = timezone.now()
        session.save(update_fields=["finished_at"])
    return {
        **context,
        "answered": len(items),
        "state": "summary",
        "topic_scores": summary.topic_scores(items),
        "to_review": summary.misconceptions_to_review(items),
        "to_reread": summary.paragraphs_to_reread(items),
    }


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


def _template(request) -> str:
    return "practice/session.html#area" if wants_fragment(request) else "practice/session.html"


@vary_on_headers("HX-Request")
def session_page(request, pk):
    session = _get_session_for(request, pk)
    feedback = request.GET.get("feedback", "")
    item = None
    if feedback.isdigit():
        answered = session.items.filter(position=int(feedback), answer__isnull=False)
        item = answered.select_related(*ITEM_RELATED, "answer").first()
    context = _area_context(session, feedback_item=item)
    return render(request, _template(request), {**context, "nav": "practice"})


def _answerable_item(request, pk, position) -> SessionItem | None:
    """Return the item at `position` of the request's own session, with its session."""
    owner = {f"session__{key}": value for key, value in owner_filter(request).items()}
    items = SessionItem.objects.filter(session_id=pk, position=position, **owner).exclude(
        session__mode=PracticeSession.Mode.EXAM
    )
    related = ("session__learner__model", "session__section", "session__topic", "answer")
    return items.select_related(*ITEM_RELATED, *related).first()


@require_POST
def answer(request, pk, position):
    item = _answerable_item(request, pk, position)
    if item is None:
        session = _get_session_for(request, pk)
        return _refuse(request, session, _("This question is not part of your session."))
    if not hasattr(item, "answer"):
        try:
            given = parse_answer(
                item.question.type, item.question.spec, item.choice_order, request.POST
            )
        except InvalidAnswer as error:
            return _refuse(request, item.session, str(error), item=item)
        item.answer = record_answer(item=item, given=given).answer
    if not wants_fragment(request):
        url = reverse("practice:session", kwargs={"pk": item.session_id})
        return redirect(f"{url}?feedback={item.position}")
    context = _area_context(item.session, feedback_item=item)
    return render(request, "practice/session.html#area", {**context, "nav": "practice"})


def _refuse(request, session, message, item=None):
    """Re-show the question with the reason, as a 400 (htmx swaps it too)."""
    if item is not None:
        context = {"session": session, "total": session.size, "answered": item.position - 1}
        context |= {"state": "question", **_question(item, error=message)}
    else:
        context = {**_area_context(session), "error": message}
    return render(request, _template(request), {**context, "nav": "practice"}, status=400)
