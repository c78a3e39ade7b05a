from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from course.models import Section
from course.rendering import render_plain
from quizapp.adaptive.charts import forecast_bars
from quizapp.adaptive.outlook import outlook_for
from quizapp.adaptive.services import REVIEW_SESSION_MAX
from quizapp.bank.specs import InvalidAnswer, QuestionType, parse_answer
from quizapp.htmx import wants_fragment
from quizapp.practice import presenting, summary
from quizapp.practice.forms import StartForm
from quizapp.practice.models import PracticeSession, SessionItem
from quizapp.practice.services import (
    existing_learner,
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


def reviews(request):
    """Show the reviews due now, when the next one comes, and the next seven days."""
    outlook = outlook_for(existing_learner(request))
    context = {
        "outlook": outlook,
        "bars": forecast_bars(outlook.days),
        "review_size": min(outlook.due, REVIEW_SESSION_MAX),
        "nav": "reviews",
    }
    return render(request, "practice/reviews.html", context)


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
    # One query says what was served and whether something waits for an answer;
    # the waiting item (a reload) is loaded in full only then.
    served = list(session.items.values_list("pk", "question_id", "answer"))
    waiting = [pk for pk, _question, answer in served if answer is None]
    if waiting:
        current = session.items.select_related(*ITEM_RELATED).get(pk=waiting[0])
    else:
        current = serve_next(session=session, served=[question for _pk, question, _a in served])
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
        "next_section": _next_section(session.section),
    }


def _next_section(section) -> Section | None:
    """Return the section after a section test's, so the course carries on from the summary."""
    if section is None:
        return None
    return (
        Section.objects.filter(order__gt=section.order).only("slug", "title_fr", "title_en").first()
    )


def _question(item, error: str = "", arrangement=None, moved=None) -> dict:
    return {
        "item": item,
        "shown": presenting.show(item.question, item.choice_order, arrangement),
        "hints": presenting.hints(item.question),
        "reason": presenting.reason_text(item),
        "error": error,
        "moved": moved,
        "focus": "",
    }


def _feedback(item) -> dict:
    question = item.question
    given = item.answer.given
    return {
        "item": item,
        "answer": item.answer,
        "right_answer": presenting.right_answer(question),
        "given_answer": presenting.given_answer(question, given),
        "partial_credit": presenting.partial_credit(question, given),
        "choices": presenting.choice_review(question, item.choice_order, given),
        "answer_feedback": presenting.answer_feedback(question, given),
        "explanation": question.explanation,
        "question_html": presenting.show(question, []).html,
        "live": _verdict(item.answer),
        "score_percent": round(100 * item.answer.score),
    }


def _verdict(answer) -> str:
    if answer.correct:
        return _("Right answer.")
    if answer.score > 0:
        return _("Partly right: %(percent)s %%.") % {"percent": round(100 * answer.score)}
    return _("Wrong answer.")


def _render(request, context: dict, status: int = 200):
    """Render the session page, or only its question area for htmx (with the live text)."""
    fragment = wants_fragment(request)
    template = "practice/session.html#area" if fragment else "practice/session.html"
    context = {"live": "", **context, "fragment": fragment, "nav": "practice"}
    return render(request, template, context, status=status)


@vary_on_headers("HX-Request")
def session_page(request, pk):
    session = _get_session_for(request, pk)
    feedback = request.GET.get("feedback", "")
    item = None
    if feedback.isdigit():
        answered = session.items.filter(position=int(feedback), answer__isnull=False)
        item = answered.select_related(*ITEM_RELATED, "answer").first()
    return _render(request, _area_context(session, feedback_item=item))


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
    if "move" in request.POST and not hasattr(item, "answer"):
        return _move_step(request, item)
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
        # The fragment brings the feedback into view, and focus with it, without script.
        return redirect(f"{url}?feedback={item.position}#feedback-title")
    return _render(request, _area_context(item.session, feedback_item=item))


def _move_step(request, item):
    """Re-show an ordering question with one step moved up or down: nothing is recorded."""
    if item.question.type != QuestionType.ORDERING:
        return _refuse(
            request, item.session, _("Only the steps of an ordering question move."), item=item
        )
    size = len(item.choice_order)
    arrangement = presenting.arrangement_from(request.POST, size) or list(range(size))
    arrangement, moved = presenting.move_step(arrangement, request.POST["move"])
    context = {"session": item.session, "total": item.session.size, "answered": item.position - 1}
    context |= {"state": "question", **_question(item, arrangement=arrangement, moved=moved)}
    # Focus stays on the button pressed, at the step's new place; at the top or the bottom
    # that button is disabled, so the other one takes it.
    up = request.POST["move"].startswith("up")
    context["focus"] = "up" if (up and moved) or (not up and moved == size - 1) else "down"
    if moved is not None:
        step = render_plain(context["shown"].choices[moved][1])
        context["live"] = _("%(step)s: now step %(n)s of %(total)s.") % {
            "step": step,
            "n": moved + 1,
            "total": size,
        }
    return _render(request, context)


def _refuse(request, session, message, item=None):
    """Re-show the question with the reason, as a 400 (htmx swaps it too)."""
    if item is not None:
        context = {"session": session, "total": session.size, "answered": item.position - 1}
        context |= {"state": "question", **_question(item, error=message)}
    else:
        context = {**_area_context(session), "error": message}
    return _render(request, context, status=400)
