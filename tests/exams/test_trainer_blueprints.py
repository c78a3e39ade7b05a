import pytest
from django.urls import reverse

from course.models import Topic
from quizapp.exams.models import Exam

pytestmark = pytest.mark.django_db


def test_a_trainer_copies_the_exam_and_changes_the_copy_not_the_original(
    client, trainer, fixed_exam
):
    client.force_login(trainer)
    client.post(reverse("exams:copy", kwargs={"slug": fixed_exam.slug}))
    copy = Exam.objects.get(owner=trainer)
    ports, roles = Topic.objects.order_by("slug")
    response = client.post(
        reverse("exams:edit", kwargs={"slug": copy.slug}),
        {
            "title_fr": "Blanc court", "title_en": "Short mock", "form": "adaptive",
            "duration_minutes": 15, "pass_mark": 80, "item_types": ["single", "port"],
            f"topic_{ports.pk}": 5, f"topic_{roles.pk}": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302
    copy.refresh_from_db()
    assert (copy.form, copy.duration_minutes, copy.pass_mark) == ("adaptive", 15, 80)
    assert copy.item_types == ["single", "port"]
    assert list(copy.rules.values_list("topic__slug", "items")) == [("ports-security", 5)]
    assert fixed_exam.rules.count() == 2 and fixed_exam.pass_mark == 70
    assert set(copy.eligible_questions().values_list("type", flat=True)) == {"single", "port"}


def test_a_blueprint_with_no_item_or_a_bad_pass_mark_is_refused_with_a_message(
    client, trainer, fixed_exam
):
    client.force_login(trainer)
    client.post(reverse("exams:copy", kwargs={"slug": fixed_exam.slug}))
    copy = Exam.objects.get(owner=trainer)
    topics = {f"topic_{t.pk}": 0 for t in Topic.objects.all()}
    response = client.post(
        reverse("exams:edit", kwargs={"slug": copy.slug}),
        {"title_fr": "X", "form": "fixed", "duration_minutes": 10, "pass_mark": 140, **topics},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "entre 1 et 100" in body and "au moins un thème" in body
    assert copy.rules.count() == 2
