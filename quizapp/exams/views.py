from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quizapp.bank.specs import InvalidAnswer, parse_answer
from quizapp.exams import certificates, clock, given, presenting, reports, services
from quizapp.exams.models import Attempt, Certificate, Exam
from quizapp.groups.models import Group

ITEM_RELATED = ("question__main_topic", "question__section")


def _get_exam_for(request, slug) -> Exam:
    """Return an exam the request may see: shipped, or the trainer's own copy."""
    return get_object_or_404(Exam.objects.visible_to(request.user), slug=slug)


def _get_attempt_for(request, pk) -> Attempt:
    """Return the request's own attempt, or 404: nobody reaches another's exam."""
    attempts = Attempt.objects.filter(user=request.user).select_related("exam")
    return get_object_or_404(attempts, pk=pk)


def index(request):
    exams = Exam.objects.visible_to(request.user).prefetch_related("rules")
    attempts, assignments = [], []
    if request.user.is_authenticated:
        attempts = Attempt.objects.filter(user=request.user).select_related("exam")[:20]
        assignments = given.for_trainee(request.user)[:20]
    context = {
        "exams": exams,
        "attempts": attempts,
        "assignments": assignments,
        "now": clock.now(),
        "nav": "exams",
    }
    return render(request, "exams/index.html", context)


def exam_page(request, slug):
    exam = _get_exam_for(request, slug)
    current = None
    if request.user.is_authenticated:
        current = Attempt.objects.open().filter(exam=exam, user=request.user).first()
    context = {
        "exam": exam,
        "rules": exam.rules.select_related("topic"),
        "current": current,
        "given": _given_by_me(request.user, exam),
        "nav": "exams",
    }
    return render(request, "exams/exam.html", context)


def _given_by_me(user, exam):
    if not (user.is_authenticated and (user.is_trainer or user.is_superuser)):
        return []
    groups = Group.objects.for_trainer(user)
    return exam.assignments.filter(group__in=groups).select_related("group")[:10]


@require_POST
@login_required
def start_given(request, pk):
    assignment = get_object_or_404(given.for_trainee(request.user), pk=pk)
    try:
        attempt = given.start_given(assignment=assignment, user=request.user, now=clock.now())
    except services.ExamError as error:
        return render(
            request, "exams/refused.html", {"message": str(error), "nav": "exams"}, status=409
        )
    return redirect(attempt)


@require_POST
@login_required
def start(request, slug):
    exam = _get_exam_for(request, slug)
    try:
        attempt = services.start_attempt(exam=exam, user=request.user, now=clock.now())
    except services.ExamError as error:
        return render(
            request, "exams/refused.html", {"message": str(error), "nav": "exams"}, status=409
        )
    return redirect(attempt)


def _position(attempt, request, position) -> int:
    if position is not None:
        return position
    first_open = attempt.items.filter(given__isnull=True).values_list("position", flat=True).first()
    return first_open or 1


@login_required
def attempt_page(request, pk, position=None):
    attempt = _get_attempt_for(request, pk)
    now = clock.now()
    if services.close_if_over(attempt, now=now):
        return redirect("exams:results", pk=attempt.pk)
    return _sitting(request, attempt, _position(attempt, request, position), now)


def _sitting(request, attempt, position, now, *, error="", status=200):
    items = list(attempt.items.select_related(*ITEM_RELATED))
    if attempt.exam.is_adaptive:
        item = next((i for i in items if not i.answered), None)
        if item is None:
            raise Http404
    else:
        item = next((i for i in items if i.position == position), None)
        if item is None:
            raise Http404
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "item": item,
        "items": items,
        "form": presenting.form_for(item),
        **_time_left(attempt, now),
        "answered": sum(1 for i in items if i.answered),
        "error": error,
        "previous": position - 1 if position > 1 else None,
        "next": position + 1 if position < len(items) else None,
        "nav": "exams",
    }
    return render(request, "exams/attempt.html", context, status=status)


def _time_left(attempt, now) -> dict:
    seconds = attempt.seconds_left(now)
    return {"seconds_left": seconds, "minutes_left": -(-seconds // 60)}


def _posted_answer(item, post) -> dict | None:
    """Return the parsed answer, or None if the form carried no answer (only moving on).

    An empty text box or an unchosen list posts "" : that is no answer, not a wrong one.
    """
    filled = any(
        value.strip()
        for key in post
        if key in ("choice", "value") or key.startswith(("match-", "rank-"))
        for value in post.getlist(key)
    )
    if not filled:
        return None
    return parse_answer(item.question.type, item.question.spec, item.choice_order, post)


@require_POST
@login_required
def save(request, pk, position):
    attempt = _get_attempt_for(request, pk)
    item = get_object_or_404(attempt.items.select_related(*ITEM_RELATED), position=position)
    now = clock.now()
    try:
        given = _posted_answer(item, request.POST)
        if attempt.exam.is_adaptive:
            if given is None:
                raise InvalidAnswer(_("Please answer: in adaptive form there is no going back."))
            services.answer_adaptive(attempt=attempt, item=item, given=given, now=now)
        else:
            flagged = request.POST.get("flagged") == "on"
            services.save_answer(attempt=attempt, item=item, given=given, flagged=flagged, now=now)
    except InvalidAnswer as error:
        return _sitting(request, attempt, position, now, error=str(error), status=400)
    except services.AttemptClosed as error:
        context = {"message": str(error), "attempt": attempt, "nav": "exams"}
        return render(request, "exams/refused.html", context, status=409)
    return redirect(_after_save(attempt, request.POST.get("go", ""), position))


def _after_save(attempt, go: str, position: int) -> str:
    attempt.refresh_from_db()
    if not attempt.is_open:
        return reverse("exams:results", kwargs={"pk": attempt.pk})
    if attempt.exam.is_adaptive:
        return attempt.get_absolute_url()
    if go == "summary":
        return reverse("exams:summary", kwargs={"pk": attempt.pk})
    target = {"previous": position - 1, "next": position + 1}.get(go)
    if go.isdigit():
        target = int(go)
    if target and attempt.items.filter(position=target).exists():
        return reverse("exams:item", kwargs={"pk": attempt.pk, "position": target})
    return reverse("exams:summary", kwargs={"pk": attempt.pk})


@login_required
def summary(request, pk):
    attempt = _get_attempt_for(request, pk)
    now = clock.now()
    if services.close_if_over(attempt, now=now):
        return redirect("exams:results", pk=attempt.pk)
    items = list(attempt.items.all())
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "items": items,
        "unanswered": [i for i in items if not i.answered],
        "flagged": [i for i in items if i.flagged],
        **_time_left(attempt, now),
        "nav": "exams",
    }
    return render(request, "exams/summary.html", context)


@require_POST
@login_required
def submit(request, pk):
    attempt = _get_attempt_for(request, pk)
    services.submit(attempt=attempt, now=clock.now())
    return redirect("exams:results", pk=attempt.pk)


@login_required
def results(request, pk):
    attempt = _get_attempt_for(request, pk)
    if not services.close_if_over(attempt, now=clock.now()):
        return redirect(attempt)
    certificate = certificates.issue(attempt) if attempt.passed else None
    context = {
        **reports.report(attempt, now=clock.now()),
        "certificate": certificate,
        "nav": "exams",
    }
    return render(request, "exams/results.html", context)


@login_required
def certificate_pdf(request, pk):
    attempt = _get_attempt_for(request, pk)
    certificate = get_object_or_404(Certificate, attempt=attempt, withdrawn_at=None)
    url = request.build_absolute_uri(certificate.get_absolute_url())
    pdf = certificates.render_pdf(certificate, verify_url=url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestation-{certificate.code}.pdf"'
    return response


@require_POST
@login_required
def withdraw(request, pk):
    attempt = _get_attempt_for(request, pk)
    certificate = get_object_or_404(Certificate, attempt=attempt)
    certificates.withdraw(certificate, now=clock.now())
    return redirect("exams:results", pk=attempt.pk)


def verify(request, code):
    certificate = certificates.verified(code)
    status = 200 if certificate else 404
    context = {"certificate": certificate, "code": code}
    return render(request, "exams/verify.html", context, status=status)
