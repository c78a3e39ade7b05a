import pytest
from django.urls import reverse

from quizapp.exams.models import Attempt
from tests.exams.helpers import answer_data, save_url
from tests.exams.test_sitting import assert_no_key

pytestmark = pytest.mark.django_db


def sit(client, exam, *, right: bool, limit=80):
    response = client.post(reverse("exams:start", kwargs={"slug": exam.slug}))
    attempt = Attempt.objects.get(exam=exam)
    pages = [response]
    for _ in range(limit):
        page = client.get(attempt.get_absolute_url())
        pages.append(page)
        if page.status_code == 302:
            break
        item = page.context["item"]
        pages.append(client.post(save_url(item), {**answer_data(item, right=right)}))
    attempt.refresh_from_db()
    return attempt, pages


def test_the_adaptive_form_says_there_is_no_going_back_before_starting(client, adaptive_exam):
    page = client.get(adaptive_exam.get_absolute_url())
    assert "sans retour en arrière" in page.content.decode()


def test_a_strong_trainee_passes_the_adaptive_exam_early_and_sees_why(
    client, trainee, adaptive_exam, exam_bank, clock
):
    client.force_login(trainee)
    attempt, pages = sit(client, adaptive_exam, right=True)
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.passed is True
    assert attempt.stop_reason in ("evidence", "no_items_left")
    assert 10 <= attempt.items.count() <= 42
    topics = list(attempt.items.values_list("question__main_topic__slug", flat=True))
    assert abs(topics.count("ports-security") - topics.count("smtp-roles")) <= 1
    for page in pages:
        assert_no_key(page, exam_bank)
    results = client.get(reverse("exams:results", args=[attempt.pk])).content.decode()
    assert "très probablement entre" in results
    assert "suffisaient pour trancher" in results or "plus de question" in results


def test_a_weak_trainee_fails_the_adaptive_exam(client, trainee, adaptive_exam, clock):
    client.force_login(trainee)
    attempt, _ = sit(client, adaptive_exam, right=False)
    assert attempt.passed is False
    assert attempt.ability < attempt.cut


def test_an_answered_adaptive_question_cannot_be_answered_again(
    client, trainee, adaptive_exam, clock
):
    client.force_login(trainee)
    client.post(reverse("exams:start", kwargs={"slug": adaptive_exam.slug}))
    attempt = Attempt.objects.get()
    first = attempt.items.get(position=1)
    client.post(save_url(first), answer_data(first, right=True))
    client.post(save_url(first), answer_data(first, right=False))
    first.refresh_from_db()
    assert first.correct is True
    assert attempt.items.count() == 2


def test_an_adaptive_question_left_blank_is_refused(client, trainee, adaptive_exam, clock):
    client.force_login(trainee)
    client.post(reverse("exams:start", kwargs={"slug": adaptive_exam.slug}))
    first = Attempt.objects.get().items.get(position=1)
    response = client.post(save_url(first), {"go": "next"})
    assert response.status_code == 400
    assert "pas de retour en arrière" in response.content.decode()


def test_the_adaptive_exam_times_out_with_a_verdict_on_the_evidence(
    client, trainee, adaptive_exam, clock
):
    client.force_login(trainee)
    client.post(reverse("exams:start", kwargs={"slug": adaptive_exam.slug}))
    attempt = Attempt.objects.get()
    first = attempt.items.get(position=1)
    client.post(save_url(first), answer_data(first, right=True))
    clock.advance(minutes=31)
    response = client.get(attempt.get_absolute_url())
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.stop_reason == "time"
    assert attempt.passed is not None
