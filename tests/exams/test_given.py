from datetime import timedelta

import pytest
from django.urls import reverse

from quizapp.exams.models import Assignment, Attempt, ExtraTime
from quizapp.groups.services import create_group
from tests.exams.conftest import START
from tests.exams.helpers import answer_data, save_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(trainer, trainee, other_trainee):
    group = create_group(trainer=trainer, name="CP1 mardi")
    group.trainees.add(trainee, other_trainee)
    return group


@pytest.fixture
def given(client, trainer, group, fixed_exam, clock):
    client.force_login(trainer)
    response = client.post(
        reverse("exams:give", kwargs={"slug": fixed_exam.slug}),
        {
            "group": group.pk,
            "opens_at": "2026-03-02T09:00",
            "closes_at": "2026-03-02T12:00",
            "hide_review": "on",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    # The form reads local time; the test's clock is in UTC.
    Assignment.objects.update(opens_at=START, closes_at=START + timedelta(hours=3))
    assignment.refresh_from_db()
    client.logout()
    return assignment


def test_a_trainer_gives_an_exam_with_a_window_and_extra_time_for_one_trainee(
    client, trainer, trainee, given
):
    client.force_login(trainer)
    response = client.post(
        reverse("exams:extra_time", args=[given.pk]), {"trainee": trainee.pk, "minutes": 10}
    )
    assert response.status_code == 302
    extra = ExtraTime.objects.get()
    assert (extra.trainee, extra.minutes, extra.granted_by) == (trainee, 10, trainer)
    page = client.get(given.get_absolute_url()).content.decode()
    assert "+10 minutes" in page and "tina" in page


def test_extra_time_for_someone_outside_the_group_is_refused(client, trainer, given, db):
    from quizapp.accounts.models import User

    stranger = User.objects.create_user("zed", password="x-pass-2026-zed")
    client.force_login(trainer)
    response = client.post(
        reverse("exams:extra_time", args=[given.pk]), {"trainee": stranger.pk, "minutes": 10}
    )
    assert response.status_code == 400
    assert not ExtraTime.objects.exists()


def test_the_trainee_with_extra_time_gets_a_later_deadline(
    client, trainer, trainee, other_trainee, given, clock
):
    ExtraTime.objects.create(assignment=given, trainee=trainee, minutes=10, granted_by=trainer)
    for user in (trainee, other_trainee):
        client.force_login(user)
        assert client.post(reverse("exams:start_given", args=[given.pk])).status_code == 302
    mine = Attempt.objects.get(user=trainee)
    theirs = Attempt.objects.get(user=other_trainee)
    assert mine.deadline - theirs.deadline == timedelta(minutes=10)
    assert mine.assignment == given


def test_the_exam_cannot_start_outside_its_window(client, trainee, given, clock):
    client.force_login(trainee)
    clock.value = START - timedelta(minutes=1)
    response = client.post(reverse("exams:start_given", args=[given.pk]))
    assert response.status_code == 409
    assert "pas ouvert" in response.content.decode()
    clock.value = START + timedelta(hours=3)
    assert client.post(reverse("exams:start_given", args=[given.pk])).status_code == 409
    assert not Attempt.objects.exists()


def test_the_live_monitor_follows_the_group_and_stops_polling_when_all_are_done(
    client, trainer, trainee, other_trainee, given, clock
):
    for user in (trainee, other_trainee):
        client.force_login(user)
        client.post(reverse("exams:start_given", args=[given.pk]))
    attempt = Attempt.objects.get(user=trainee)
    client.force_login(trainee)
    item = attempt.items.get(position=1)
    client.post(save_url(item), {**answer_data(item), "go": "next"})
    client.force_login(trainer)
    htmx = {"HTTP_HX_REQUEST": "true"}
    live = client.get(given.get_absolute_url(), **htmx)
    assert live.status_code == 200
    rows = {row.trainee.username: row for row in live.context["rows"]}
    assert rows["alice"].answered == 1 and rows["alice"].seconds_left == 30 * 60
    assert 'hx-trigger="every 5s"' in live.content.decode()
    # Alice finishes; Bob's time runs out: the monitor closes his attempt as it reads it.
    client.force_login(trainee)
    client.post(reverse("exams:submit", args=[attempt.pk]))
    clock.advance(minutes=31)
    client.force_login(trainer)
    done = client.get(given.get_absolute_url(), **htmx)
    assert done.status_code == 286
    assert "hx-trigger" not in done.content.decode()
    statuses = {row.trainee.username: row.attempt.status for row in done.context["rows"]}
    assert statuses == {"alice": "submitted", "bob": "timed_out"}
    # Without JavaScript: the full page with a refresh link.
    page = client.get(given.get_absolute_url())
    assert page.status_code == 200 and "Actualiser" in page.content.decode()


def test_the_review_stays_hidden_until_the_window_closes_when_the_trainer_says_so(
    client, trainee, given, clock
):
    client.force_login(trainee)
    client.post(reverse("exams:start_given", args=[given.pk]))
    attempt = Attempt.objects.get()
    client.post(reverse("exams:submit", args=[attempt.pk]))
    question = attempt.items.first().question
    before = client.get(reverse("exams:results", args=[attempt.pk])).content.decode()
    assert question.explanation_en not in before and question.explanation_fr not in before
    assert "après la fermeture de" in before
    clock.value = given.closes_at
    after = client.get(reverse("exams:results", args=[attempt.pk])).content.decode()
    assert question.explanation_fr in after or question.explanation_en in after


def test_the_group_dashboard_shows_each_trainees_latest_exam_result(
    client, trainer, trainee, given, clock
):
    client.force_login(trainee)
    client.post(reverse("exams:start_given", args=[given.pk]))
    attempt = Attempt.objects.get()
    for item in attempt.items.all():
        client.post(save_url(item), {**answer_data(item), "go": "next"})
    client.post(reverse("exams:submit", args=[attempt.pk]))
    client.force_login(trainer)
    page = client.get(given.group.get_absolute_url()).content.decode()
    assert "Dernier examen blanc" in page
    assert "✔ Réussi · 100 %" in page


def test_exam_answers_appear_in_the_groups_answer_export_marked_as_exam(
    client, trainer, trainee, given, clock
):
    client.force_login(trainee)
    client.post(reverse("exams:start_given", args=[given.pk]))
    attempt = Attempt.objects.get()
    item = attempt.items.get(position=1)
    client.post(save_url(item), {**answer_data(item), "go": "next"})
    client.post(reverse("exams:submit", args=[attempt.pk]))
    client.force_login(trainer)
    url = reverse("groups:export", kwargs={"pk": given.group.pk, "what": "answers", "fmt": "csv"})
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].endswith("Source")
    assert len(lines) == 2 and lines[1].endswith("Examen blanc")
