import pytest
from django.urls import reverse

from quizapp.exams.models import Attempt
from quizapp.practice.models import Answer
from tests.exams.helpers import answer_data, save_url

pytestmark = pytest.mark.django_db


def start(client, exam):
    response = client.post(reverse("exams:start", kwargs={"slug": exam.slug}))
    assert response.status_code == 302
    return Attempt.objects.get(exam=exam, status="open")


def assert_no_key(response, exam_bank):
    """No explanation and no marking reaches the browser before the attempt is over."""
    body = response.content.decode()
    for question in exam_bank:
        assert question.explanation_fr not in body
        assert question.explanation_en not in body
    for marker in ("is-right", "is-wrong", "The right answer", "La bonne réponse"):
        assert marker not in body


def test_a_trainee_sits_the_fixed_form_moving_flagging_and_changing_answers(
    client, trainee, fixed_exam, exam_bank, clock
):
    client.force_login(trainee)
    responses = [client.get(fixed_exam.get_absolute_url())]
    attempt = start(client, fixed_exam)
    items = list(attempt.items.select_related("question"))
    assert len(items) == 8
    assert {i.question.main_topic.slug for i in items} == {"ports-security", "smtp-roles"}
    for item in items:
        responses.append(client.get(reverse("exams:item", args=[attempt.pk, item.position])))
        data = {**answer_data(item, right=False), "go": "next"}
        responses.append(client.post(save_url(item), data))
    first = items[0]
    # Change the first answer to the right one, and flag the second.
    responses.append(client.post(save_url(first), {**answer_data(first), "go": "2"}))
    responses.append(client.post(save_url(items[1]), {"flagged": "on", "go": "summary"}))
    summary = client.get(reverse("exams:summary", args=[attempt.pk]))
    responses.append(summary)
    assert summary.context["flagged"] == [items[1]]
    assert summary.context["unanswered"] == []
    for response in responses:
        assert response.status_code in (200, 302)
        assert_no_key(response, exam_bank)
    client.post(reverse("exams:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    graded = [i.question.grade(i.given).score for i in attempt.items.select_related("question")]
    assert graded[0] == 1.0 or attempt.items.get(position=1).score == 1.0
    assert attempt.score == pytest.approx(sum(graded) / 8)
    assert attempt.passed is False
    results = client.get(reverse("exams:results", args=[attempt.pk]))
    body = results.content.decode()
    assert first.question.explanation_fr in body
    assert f"{round(100 * attempt.score)} %" in body


def test_a_saved_answer_is_shown_again_when_the_trainee_comes_back(
    client, trainee, fixed_exam, clock
):
    client.force_login(trainee)
    attempt = start(client, fixed_exam)
    item = attempt.items.get(position=1)
    client.post(save_url(item), {**answer_data(item), "go": "next"})
    page = client.get(reverse("exams:item", args=[attempt.pk, 1]))
    item.refresh_from_db()
    form = page.context["form"]
    kind = item.question.type
    if kind in ("single", "multiple"):
        assert any(checked for _, _, checked in form["choices"])
    elif kind in ("truefalse", "port", "short"):
        assert form["value"]
    elif kind == "matching":
        assert all(chosen is not None for _, _, chosen in form["lefts"])
    else:
        assert all(rank is not None for _, _, rank in form["ranked"])


def test_starting_twice_resumes_the_one_open_attempt_with_the_time_left(
    client, trainee, fixed_exam, clock
):
    client.force_login(trainee)
    attempt = start(client, fixed_exam)
    clock.advance(minutes=10)
    again = start(client, fixed_exam)
    assert again.pk == attempt.pk
    page = client.get(attempt.get_absolute_url())
    assert page.context["seconds_left"] == 20 * 60
    assert "20 minutes" in page.content.decode()


def test_an_invalid_answer_is_refused_with_a_message_and_nothing_saved(
    client, trainee, fixed_exam, clock
):
    client.force_login(trainee)
    fixed_exam.item_types = ["port"]
    fixed_exam.save()
    attempt = start(client, fixed_exam)
    assert attempt.items.count() == 6  # three port items per topic, fewer than the four asked
    port = attempt.items.first()
    response = client.post(save_url(port), {"value": "99999", "go": "next"})
    assert response.status_code == 400
    assert "65535" in response.content.decode()
    port.refresh_from_db()
    assert port.given is None


def test_exam_answers_feed_the_learner_model_marked_as_exam_answers(
    client, trainee, fixed_exam, clock
):
    client.force_login(trainee)
    attempt = start(client, fixed_exam)
    for item in attempt.items.all():
        client.post(save_url(item), {**answer_data(item), "go": "next"})
    client.post(reverse("exams:submit", args=[attempt.pk]))
    answers = Answer.objects.filter(learner__user=trainee)
    assert answers.count() == 8
    assert set(answers.values_list("source", flat=True)) == {"exam"}
    assert trainee.learner.model.answers == 8
    assert all(a.question.stat.answers == 1 for a in answers)
    # The exam's answers are not a practice session the trainee can open for feedback.
    session = answers.first().session
    assert client.get(session.get_absolute_url()).status_code == 404


def test_a_timed_out_attempt_refuses_the_answer_and_is_closed(client, trainee, fixed_exam, clock):
    client.force_login(trainee)
    attempt = start(client, fixed_exam)
    item = attempt.items.get(position=1)
    client.post(save_url(item), {**answer_data(item), "go": "next"})
    clock.advance(minutes=30)
    late = attempt.items.get(position=2)
    response = client.post(save_url(late), {**answer_data(late), "go": "next"})
    assert response.status_code == 409
    assert "échéance" in response.content.decode()
    late.refresh_from_db()
    assert late.given is None
    attempt.refresh_from_db()
    assert attempt.status == "timed_out"
    assert attempt.finished_at == attempt.deadline
    assert attempt.score == pytest.approx(1 / 8)
    assert attempt.items.get(position=1).score == 1.0


def test_moving_on_from_an_empty_text_box_saves_nothing_and_refuses_nothing(
    client, trainee, fixed_exam, clock
):
    client.force_login(trainee)
    fixed_exam.item_types = ["port", "short"]
    fixed_exam.save()
    attempt = start(client, fixed_exam)
    item = attempt.items.get(position=1)
    response = client.post(save_url(item), {"value": "  ", "go": "next"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.given is None
