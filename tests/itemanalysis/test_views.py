"""The item analysis page: figures per question, flags, the group filter, who may see it."""

import pytest
from django.urls import reverse
from django.utils import translation

from quizapp.groups.models import Group, Membership
from quizapp.itemanalysis.statistics import MIN_ANSWERS, MIN_PAIRS
from tests.itemanalysis.conftest import options

with translation.override("en"):  # the tests read English; French lives unprefixed
    URL = reverse("itemanalysis:page")


@pytest.fixture
def group(trainer, trainee):
    group = Group.objects.create(name="BTS 1", created_by=trainer)
    group.trainers.add(trainer)
    Membership.objects.create(group=group, trainee=trainee)
    return group


@pytest.fixture
def lure(make_question, answer, visitors):
    """A question where MIN_ANSWERS learners mostly pick the wrong option b."""
    question = make_question("lure", spec=options("a", "b", "c"))
    learners = visitors(MIN_ANSWERS)
    for number, learner in enumerate(learners):
        right = number < 3
        answer(learner, question, 1 if right else 0, given={"choice": "a" if right else "b"})
    return question


def test_it_shows_each_questions_figures(client, trainer, lure):
    client.force_login(trainer)
    response = client.get(URL)
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.question == lure)
    assert row.figures.n == MIN_ANSWERS
    assert row.figures.facility == pytest.approx(0.3)
    assert [(o.label, o.count, o.correct) for o in row.figures.options] == [
        ("Option a", 3, True),
        ("Option b", 7, False),
        ("Option c", 0, False),
    ]
    assert "distractor_over_key" in row.figures.flags
    assert "A wrong choice draws more learners than the right one" in response.text
    assert reverse("authoring:edit", kwargs={"pk": lure.pk}) in response.text


def test_it_raises_no_flag_below_the_minimum(client, trainer, make_question, answer, visitors):
    question = make_question("few")
    for learner in visitors(MIN_ANSWERS - 1):
        answer(learner, question, 0, given={"choice": "b"})
    client.force_login(trainer)
    row = client.get(URL).context["rows"][0]
    assert row.figures.flags == []


def test_it_flags_a_question_the_strong_learners_miss(
    client, trainer, make_question, answer, visitors
):
    tricky, others = make_question("tricky"), [make_question(f"o{n}") for n in range(2)]
    for number, learner in enumerate(visitors(MIN_PAIRS)):
        strong = number % 2 == 0
        answer(learner, tricky, 0 if strong else 1)
        for other in others:
            answer(learner, other, 1 if strong else 0)
    client.force_login(trainer)
    rows = {row.question.key: row for row in client.get(URL).context["rows"]}
    assert rows["tricky"].figures.discrimination == pytest.approx(-1.0)
    assert "negative_discrimination" in rows["tricky"].figures.flags


def test_the_group_filter_counts_only_its_trainees(
    client, trainer, trainee, other_trainee, group, make_question, answer
):
    question = make_question("q")
    answer(trainee, question, 1)
    answer(other_trainee, question, 0)
    client.force_login(trainer)
    everyone = client.get(URL).context["rows"][0]
    in_group = client.get(URL, {"group": group.pk}).context["rows"][0]
    assert (everyone.figures.n, in_group.figures.n) == (2, 1)
    assert in_group.figures.facility == 1.0


def test_another_trainers_group_is_a_404(client, other_trainer, group):
    client.force_login(other_trainer)
    assert client.get(URL, {"group": group.pk}).status_code == 404
    assert client.get(URL, {"group": "x"}).status_code == 404


def test_the_topic_and_flag_filters(client, trainer, lure, make_question, answer, visitors):
    from course.models import Topic

    calm = make_question("calm", on=Topic.objects.get(slug="smtp-roles"))
    answer(visitors(1)[0], calm, 1)
    client.force_login(trainer)
    flagged = client.get(URL, {"flagged": "1"}).context["rows"]
    assert [row.question for row in flagged] == [lure]
    by_topic = client.get(URL, {"topic": "smtp-roles"}).context["rows"]
    assert [row.question for row in by_topic] == [calm]
    assert client.get(URL, {"topic": "nope"}).status_code == 404


def test_columns_sort_both_ways(client, trainer, make_question, answer, visitors):
    easy, hard = make_question("easy"), make_question("hard")
    for learner in visitors(2):
        answer(learner, easy, 1)
        answer(learner, hard, 0)
    client.force_login(trainer)
    keys = lambda sort: [r.question.key for r in client.get(URL, {"sort": sort}).context["rows"]]  # noqa: E731
    assert keys("facility") == ["hard", "easy"]
    assert keys("-facility") == ["easy", "hard"]
    assert keys("bogus") == keys("-flags")


def test_htmx_gets_the_results_fragment(client, trainer, lure):
    client.force_login(trainer)
    response = client.get(URL, headers={"HX-Request": "true"})
    assert "<h1>" not in response.text
    assert "lure" in response.text


def test_trainees_and_visitors_are_kept_out(client, trainee):
    assert client.get(URL).status_code == 302
    client.force_login(trainee)
    assert client.get(URL).status_code == 403


def test_figures_are_kept_until_asked_again(client, trainer, make_question, answer, visitors):
    question = make_question("q")
    first, second = visitors(2)
    answer(first, question, 1)
    client.force_login(trainer)
    assert client.get(URL).context["rows"][0].figures.n == 1
    answer(second, question, 0)
    kept = client.get(URL)
    assert kept.context["rows"][0].figures.n == 1
    assert "1 answer since" in kept.text
    again = client.get(URL, {"fresh": "1"})
    assert again.context["rows"][0].figures.n == 2
    assert again.context["answers_since"] == 0


def test_each_scope_has_its_own_figures(
    client, trainer, trainee, group, make_question, answer, visitors
):
    question = make_question("q")
    answer(trainee, question, 1)
    answer(visitors(1)[0], question, 1)
    client.force_login(trainer)
    assert client.get(URL).context["rows"][0].figures.n == 2
    assert client.get(URL, {"group": group.pk}).context["rows"][0].figures.n == 1


def test_unpublish_from_a_flagged_row_is_logged(client, trainer, lure):
    from quizapp.authoring.models import QuestionLog

    client.force_login(trainer)
    page = client.get(URL, {"flagged": "1"})
    assert f'name="question" value="{lure.pk}"' in page.text
    data = {"question": lure.pk, "status": "draft", "reason": "item_analysis", "next": URL}
    response = client.post(reverse("authoring:bulk_status"), data)
    assert response.url == URL
    lure.refresh_from_db()
    assert lure.status == "draft"
    entry = QuestionLog.objects.get(question=lure)
    assert (entry.user, entry.details) == (trainer, {"reason": "item_analysis"})


def test_numbers_follow_the_language(client, trainer, lure):
    client.force_login(trainer)
    assert "0.30" in client.get(URL).text
    assert "0,30" in client.get(URL.removeprefix("/en")).text
