"""The SQL figures: first attempts only, rest score over the topic's other items."""

import pytest

from quizapp.itemanalysis import queries
from quizapp.itemanalysis.statistics import discrimination, facility
from quizapp.practice.models import Learner


@pytest.fixture
def four_learners(make_question, answer, visitors, make_course):
    """q1..q3 on one topic; q1's first attempts x = 1,1,0,0 with rest means 1, .5, 0, .5."""
    q1, q2, q3 = (make_question(key) for key in ("q1", "q2", "q3"))
    l1, l2, l3, l4 = visitors(4)
    scores = {l1: (1, 1, 1), l2: (1, 0, 1), l3: (0, 0, 0), l4: (0, 1, 0)}
    times = {l1: 1000, l2: 3000, l3: 2000, l4: 4000}
    for learner, (s1, s2, s3) in scores.items():
        answer(learner, q1, s1, ms=times[learner])
        answer(learner, q2, s2)
        answer(learner, q3, s3)
    answer(l3, q1, 1, ms=100_000)  # a second attempt: not part of the analysis
    return q1, [l1, l2, l3, l4]


def test_facility_and_discrimination_read_first_attempts(four_learners):
    q1, _learners = four_learners
    sums = queries.item_figures().sums[q1.pk]
    assert (sums.n, sums.n_pairs) == (4, 4)
    assert facility(sums) == 0.5
    # dx = .5,.5,-.5,-.5, dy = .5,0,-.5,0: Σdxdy = .5, Σdx² = 1, Σdy² = .5, r = .5/√.5.
    assert discrimination(sums) == pytest.approx(0.7071068, abs=1e-6)


def test_the_median_time_is_the_middle_of_first_attempts(four_learners):
    q1, _learners = four_learners
    assert queries.item_figures().medians[q1.pk] == 2500  # 1000, 2000, 3000, 4000


def test_an_odd_count_has_one_middle(make_question, answer, visitors):
    q = make_question("odd")
    for learner, ms in zip(visitors(3), (5000, 1000, 3000), strict=True):
        answer(learner, q, 1, ms=ms)
    assert queries.item_figures().medians[q.pk] == 3000


def test_a_learner_with_no_other_item_on_the_topic_gives_no_pair(make_question, answer, visitors):
    alone = make_question("alone")
    (learner,) = visitors(1)
    answer(learner, alone, 1)
    sums = queries.item_figures().sums[alone.pk]
    assert (sums.n, sums.n_pairs) == (1, 0)


def test_items_of_other_topics_are_not_the_rest(make_question, answer, visitors):
    from course.models import Topic

    other = Topic.objects.get(slug="smtp-roles")
    here, there = make_question("here"), make_question("there", on=other)
    (learner,) = visitors(1)
    answer(learner, here, 1)
    answer(learner, there, 0)
    assert queries.item_figures().sums[here.pk].n_pairs == 0


def test_a_scope_of_learners_limits_every_figure(four_learners):
    q1, (l1, l2, _l3, _l4) = four_learners
    scope = Learner.objects.filter(pk__in=[l1.pk, l2.pk])
    sums = queries.item_figures(scope).sums[q1.pk]
    assert (sums.n, facility(sums), discrimination(sums)) == (2, 1.0, None)
    assert queries.item_figures(scope).medians[q1.pk] == 2000
    groups = queries.item_figures(scope).groups[q1.pk]
    assert groups == [({"choice": "a"}, 2)]


def test_answer_groups_count_first_attempts_by_given_answer(four_learners):
    q1, _learners = four_learners
    groups = dict((given["choice"], count) for given, count in queries.item_figures().groups[q1.pk])
    assert groups == {"a": 2, "b": 2}  # l3's later right answer is not counted
