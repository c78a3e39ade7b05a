from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from course.models import Section, Topic
from quizapp.adaptive import services
from quizapp.adaptive.models import ItemStat, LearnerModel, ReviewCard
from quizapp.bank.models import Question
from quizapp.practice.models import Answer, Learner, PracticeSession, SessionItem
from quizapp.practice.services import record_answer, serve_next, start_session
from tests.practice.test_views import RIGHT

pytestmark = pytest.mark.django_db


def new_session(learner, **kwargs):
    return start_session(learner=learner, scope="course", size=kwargs.pop("size", 10), **kwargs)


def serve(session):
    served = list(session.items.values_list("question_id", flat=True))
    session = PracticeSession.objects.select_related("learner__model").get(pk=session.pk)
    return serve_next(session=session, served=served)


def answer(item):
    item = SessionItem.objects.select_related(
        "session__learner__model", "question__main_topic", "question__stat"
    ).get(pk=item.pk)
    from django.http import QueryDict

    from quizapp.bank.specs import parse_answer

    data = QueryDict(mutable=True)
    for name, value in RIGHT[item.question.type](item.choice_order).items():
        data.setlist(name, value if isinstance(value, list) else [value])
    given = parse_answer(item.question.type, item.question.spec, item.choice_order, data)
    return record_answer(item=item, given=given)


def test_one_answer_updates_the_learner_and_the_item_once(bank):
    learner = Learner.objects.create(visitor_key="v1")
    item = serve(new_session(learner))
    stat_before = ItemStat.objects.get(pk=item.question_id)
    answer(item)
    answer(item)  # resent: recorded once
    assert Answer.objects.count() == 1
    assert LearnerModel.objects.get(pk=learner.pk).answers == 1
    stat = ItemStat.objects.get(pk=item.question_id)
    assert stat.answers == 1
    assert stat.b != stat_before.b
    recorded = Answer.objects.get()
    assert 0 < recorded.predicted < 1
    assert recorded.rating is not None


def test_a_stale_learner_state_is_read_again_so_no_answer_is_lost(bank):
    learner = Learner.objects.create(visitor_key="v2")
    session = new_session(learner)
    first = serve(session)
    stale = LearnerModel.objects.filter(pk=learner.pk).first()  # None: before any answer
    answer(first)
    second = serve(session)
    question = Question.objects.select_related("main_topic", "stat").get(pk=second.question_id)
    services.learn_from_answer(
        profile=LearnerModel(learner=learner, state={}, answers=0) if stale is None else stale,
        learner_id=learner.pk,
        session_id=session.pk,
        question=question,
        correct=True,
        score=1.0,
        elapsed=None,
        when=timezone.now(),
    )
    assert LearnerModel.objects.get(pk=learner.pk).answers == 2


WRONG = {
    "single": {"choice": "b"},
    "multiple": {"choices": ["c"]},
    "truefalse": {"value": True},
    "port": {"value": 25},
    "short": {"value": "STLS"},
    "matching": {"pairs": {"p1": "x1", "p2": "x1", "p3": "x1"}},
    "ordering": {"order": ["s4", "s3", "s2", "s1"]},
}


def test_a_missed_item_gets_a_review_card_due_again_soon(bank):
    learner = Learner.objects.create(visitor_key="v3")
    item = serve(new_session(learner))
    item = SessionItem.objects.select_related("session__learner", "question").get(pk=item.pk)
    record_answer(item=item, given=WRONG[item.question.type])
    card = ReviewCard.objects.get(learner=learner, question_id=item.question_id)
    assert card.due <= timezone.now() + timedelta(hours=1)
    assert Answer.objects.get().rating == 1  # Again


def test_a_due_review_comes_first_with_its_reason(bank):
    learner = Learner.objects.create(visitor_key="v4")
    session = new_session(learner)
    item = serve(session)
    answer(item)
    ReviewCard.objects.filter(learner=learner).update(due=timezone.now() - timedelta(hours=1))
    later = new_session(learner)
    again = serve(later)
    assert again.question_id == item.question_id
    assert again.reason == "review_due"


def test_a_review_session_serves_only_due_items(bank):
    learner = Learner.objects.create(visitor_key="v5")
    session = new_session(learner)
    item = serve(session)
    answer(item)
    ReviewCard.objects.filter(learner=learner).update(due=timezone.now() - timedelta(minutes=1))
    review = new_session(learner, mode=PracticeSession.Mode.REVIEW)
    served = serve(review)
    assert served.question_id == item.question_id
    answer(served)
    assert serve(review) is None


def test_picking_costs_at_most_six_queries_and_never_loads_the_whole_bank(bank, monkeypatch):
    topic = Topic.objects.get(slug="ports-security")
    section = Section.objects.first()
    spec = Question.objects.get(key="q-single").spec
    Question.objects.bulk_create(
        Question(
            key=f"bulk-{i}",
            type="single",
            status="published",
            main_topic=topic,
            section=section,
            source="RFC",
            text_fr="Q",
            explanation_fr="E",
            spec=spec,
            difficulty=(i % 40) / 10 - 2,
            guess_options=3,
        )
        for i in range(800)
    )
    _give_statistics_rows()  # bulk_create skips the receiver that makes them
    loaded = []
    real = services.engine_for
    monkeypatch.setattr(services, "engine_for", lambda qs: loaded.append(len(qs)) or real(qs))
    learner = Learner.objects.create(visitor_key="v6")
    session = PracticeSession.objects.select_related("learner").get(pk=new_session(learner).pk)
    with CaptureQueriesContext(connection) as queries:
        pick = services.pick_next(profile=None, session=session, served=set())
    assert pick is not None
    assert len(queries) <= 6
    assert loaded == [services.CANDIDATES]


def test_the_home_page_shows_mastery_and_due_reviews(client, bank, trainee):
    client.force_login(trainee)
    learner = Learner.objects.create(user=trainee)
    item = serve(new_session(learner))
    answer(item)
    ReviewCard.objects.filter(learner=learner).update(due=timezone.now() - timedelta(minutes=1))
    response = client.get("/")
    assert response.context["progress"].due == 1
    assert '<meter id="mastery-ports-security"' in response.text
    assert "révision" in response.text


def test_the_course_index_shows_mastery_bars(client, bank):
    response = client.get("/course/")
    assert "mastery-ports-security" in response.text


def test_test_yourself_starts_four_questions_on_the_section(client, bank):
    section = Section.objects.get(slug="section-1")
    page = client.get(section.get_absolute_url())
    assert "Testez-vous" in page.text
    response = client.post(
        reverse("practice:home"),
        {"mode": "section_test", "scope": "section", "section": section.pk, "size": 4},
    )
    session = PracticeSession.objects.get()
    assert response["Location"] == session.get_absolute_url()
    assert (session.mode, session.size, session.section) == ("section_test", 4, section)


def test_why_this_question_is_shown_on_request(client, bank):
    client.post(reverse("practice:home"), {"scope": "course", "size": 5})
    session = PracticeSession.objects.get()
    response = client.get(session.get_absolute_url())
    assert "Pourquoi cette question" in response.text
    assert response.context["reason"]


def test_a_long_backlog_of_reviews_starts_a_session_the_form_accepts(client, bank, trainee):
    client.force_login(trainee)
    learner = Learner.objects.create(user=trainee)
    questions = list(Question.objects.all())
    for n in range(80):  # more cards due than one session may hold
        ReviewCard.objects.create(
            learner=learner,
            question=questions[n % len(questions)] if n < 7 else _extra(n),
            state=2,
            due=timezone.now() - timedelta(days=1),
        )
    progress = client.get("/").context["progress"]
    assert progress.due == 80
    response = client.post(
        reverse("practice:home"),
        {"mode": "review", "scope": "course", "size": progress.review_size},
    )
    assert response.status_code == 302


def _extra(n):
    base = Question.objects.get(key="q-single")
    return Question.objects.create(
        key=f"extra-{n}",
        type="single",
        status="published",
        main_topic=base.main_topic,
        source="RFC",
        text_fr="Q",
        explanation_fr="E",
        spec=base.spec,
    )


def _give_statistics_rows():
    from quizapp.adaptive.models import ItemStat

    ItemStat.objects.bulk_create(
        ItemStat(question_id=pk, b=difficulty, var=1.0)
        for pk, difficulty in Question.objects.filter(stat__isnull=True).values_list(
            "pk", "difficulty"
        )
    )


def test_every_new_question_gets_the_statistics_row_the_candidate_window_reads(bank):
    assert not Question.objects.filter(stat__isnull=True).exists()


def test_the_window_is_the_items_nearest_the_target_as_a_full_sort_would_find(bank):
    topic = Topic.objects.get(slug="ports-security")
    section = Section.objects.first()
    spec = Question.objects.get(key="q-single").spec
    for i in range(120):
        Question.objects.create(
            key=f"w-{i}", type="single", status="published", main_topic=topic, section=section,
            source="RFC", text_fr="Q", explanation_fr="E", spec=spec,
            difficulty=((i * 37) % 120) / 20 - 3, guess_options=3,
        )  # fmt: skip
    questions = Question.objects.published().exclude(key="w-5")
    for target, count in ((0.3, 40), (-2.9, 40), (2.95, 40), (0.0, 500)):
        window = services._nearest_rows(questions, target, count)
        by_distance = sorted(
            questions.values_list("pk", "stat__b"), key=lambda row: abs(row[1] - target)
        )
        expected = {abs(b - target) for _pk, b in by_distance[: len(window)]}
        assert len(window) == min(count, questions.count())
        assert {abs(row[services._B] - target) for row in window} == expected


def test_probe_candidates_are_drawn_from_the_scope_without_the_served(bank):
    questions = Question.objects.published().exclude(key="q-single")
    rows = services._random_rows(questions, 20)
    assert rows
    assert {row[0] for row in rows} <= set(questions.values_list("pk", flat=True))
