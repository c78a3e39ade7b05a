"""Every exam URL, swept with each persona: a trainee sees only their own attempts,
a trainer only their groups' exams, a visitor is sent to log in."""

import pytest
from django.urls import reverse

from quizapp.exams import certificates, services
from quizapp.exams.models import Assignment, Certificate
from quizapp.groups.services import create_group
from tests.exams.conftest import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(trainee, other_trainee, trainer, other_trainer, fixed_exam, clock):
    group = create_group(trainer=trainer, name="Mine")
    group.trainees.add(trainee)
    assignment = Assignment.objects.create(
        exam=fixed_exam, group=group, opens_at=START, closes_at=START.replace(hour=12),
        created_by=trainer,
    )  # fmt: skip
    attempt = services.start_attempt(exam=fixed_exam, user=trainee, now=START)
    services.submit(attempt=attempt, now=START)
    attempt.refresh_from_db()
    attempt.passed = True
    attempt.save()
    certificates.issue(attempt)
    open_attempt = services.start_attempt(exam=fixed_exam, user=trainee, now=START)
    return {"attempt": attempt, "open": open_attempt, "assignment": assignment, "group": group}


def owner_urls(world):
    attempt, current = world["attempt"], world["open"]
    return [
        ("get", reverse("exams:attempt", args=[current.pk])),
        ("get", reverse("exams:item", args=[current.pk, 1])),
        ("post", reverse("exams:save", args=[current.pk, 1])),
        ("get", reverse("exams:summary", args=[current.pk])),
        ("post", reverse("exams:submit", args=[current.pk])),
        ("get", reverse("exams:results", args=[attempt.pk])),
        ("get", reverse("exams:certificate", args=[attempt.pk])),
        ("post", reverse("exams:withdraw", args=[attempt.pk])),
    ]


def trainer_urls(world, exam):
    assignment = world["assignment"]
    return [
        ("get", reverse("exams:monitor", args=[assignment.pk])),
        ("post", reverse("exams:extra_time", args=[assignment.pk])),
    ]


def test_another_trainee_and_a_trainer_reach_none_of_a_trainees_attempts(
    client, world, other_trainee, trainer
):
    for user in (other_trainee, trainer):
        client.force_login(user)
        for method, url in owner_urls(world):
            assert getattr(client, method)(url).status_code == 404, (user, url)
    assert Certificate.objects.get().withdrawn_at is None
    assert world["open"].items.filter(given__isnull=False).count() == 0


def test_a_visitor_is_sent_to_log_in_everywhere_but_the_public_pages(client, world, fixed_exam):
    for method, url in owner_urls(world) + trainer_urls(world, fixed_exam):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    for url in (
        reverse("exams:index"),
        fixed_exam.get_absolute_url(),
        world["attempt"].certificate.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200


def test_the_owner_reaches_their_own_attempt(client, world, trainee):
    client.force_login(trainee)
    assert client.get(reverse("exams:results", args=[world["attempt"].pk])).status_code == 200
    assert client.get(reverse("exams:attempt", args=[world["open"].pk])).status_code == 200


def test_another_trainer_reaches_neither_the_monitor_nor_the_extra_time(
    client, world, other_trainer, fixed_exam
):
    client.force_login(other_trainer)
    for method, url in trainer_urls(world, fixed_exam):
        assert getattr(client, method)(url).status_code == 404, url
    response = client.post(
        reverse("exams:give", kwargs={"slug": fixed_exam.slug}),
        {
            "group": world["group"].pk,
            "opens_at": "2026-03-02T09:00",
            "closes_at": "2026-03-02T12:00",
        },
    )
    assert response.status_code == 400  # not one of their groups
    assert Assignment.objects.count() == 1


def test_trainees_reach_no_trainer_page(client, world, trainee, fixed_exam):
    client.force_login(trainee)
    pages = [
        *trainer_urls(world, fixed_exam),
        ("get", reverse("exams:give", kwargs={"slug": fixed_exam.slug})),
        ("post", reverse("exams:copy", kwargs={"slug": fixed_exam.slug})),
    ]
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 403, url


def test_a_trainee_outside_the_group_cannot_start_its_exam(client, world, other_trainee):
    client.force_login(other_trainee)
    url = reverse("exams:start_given", args=[world["assignment"].pk])
    assert client.post(url).status_code == 404


def test_a_trainers_copy_is_theirs_alone(client, world, trainer, other_trainer, fixed_exam):
    client.force_login(trainer)
    response = client.post(reverse("exams:copy", kwargs={"slug": fixed_exam.slug}))
    copy = fixed_exam.copies.get()
    assert response["Location"] == reverse("exams:edit", kwargs={"slug": copy.slug})
    client.force_login(other_trainer)
    assert client.get(copy.get_absolute_url()).status_code == 404
    assert client.get(reverse("exams:edit", kwargs={"slug": copy.slug})).status_code == 404
    assert client.get(reverse("exams:edit", kwargs={"slug": fixed_exam.slug})).status_code == 404
