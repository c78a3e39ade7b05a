import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizapp.practice.models import Answer, PracticeSession

pytestmark = pytest.mark.django_db

RIGHT = {
    "single": lambda order: {"choice": str(order.index("a"))},
    "multiple": lambda order: {"choice": [str(order.index("a")), str(order.index("b"))]},
    "truefalse": lambda order: {"value": "false"},
    "port": lambda order: {"value": "587"},
    "short": lambda order: {"value": "starttls"},
    "matching": lambda order: {
        f"match-{i}": str(order.index(k)) for i, k in enumerate(["p1", "p2", "p3"])
    },
    "ordering": lambda order: {
        f"rank-{order.index(k)}": str(r) for r, k in enumerate(["s1", "s2", "s3", "s4"], 1)
    },
}


def start(client, size=10, **extra):
    response = client.post(reverse("practice:home"), {"scope": "course", "size": size, **extra})
    assert response.status_code == 302
    return PracticeSession.objects.latest("created_at")


def current(client, session):
    response = client.get(session.get_absolute_url())
    item = response.context["item"]
    return response, item


def force_next(monkeypatch, kind):
    """Make the engine choose the question of this type next."""
    from quizapp.adaptive.services import Pick
    from quizapp.bank.models import Question

    question = Question.objects.get(key=f"q-{kind}")
    monkeypatch.setattr(
        "quizapp.practice.services.adaptive.pick_next",
        lambda **kwargs: Pick(question, "new_at_level", None, False),
    )


def answer_url(session, item):
    return reverse("practice:answer", kwargs={"pk": session.pk, "position": item.position})


def test_a_visitor_walks_a_whole_session_without_javascript(client, bank):
    session = start(client)
    for _ in range(7):  # the bank holds 7 questions: the session ends after them
        response, item = current(client, session)
        assert response.context["state"] == "question"
        posted = client.post(
            answer_url(session, item), RIGHT[item.question.type](item.choice_order)
        )
        assert posted.status_code == 302
        feedback = client.get(posted["Location"])
        assert feedback.context["state"] == "feedback"
        assert feedback.context["answer"].correct
    summary = client.get(session.get_absolute_url())
    assert summary.context["state"] == "summary"
    assert [row.percent for row in summary.context["topic_scores"]] == [100]
    session.refresh_from_db()
    assert session.finished_at is not None


def test_htmx_gets_the_feedback_partial_with_explanation_and_course_link(client, bank):
    session = start(client)
    _, item = current(client, session)
    response = client.post(
        answer_url(session, item),
        RIGHT[item.question.type](item.choice_order),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Parce que" in response.text
    assert "/course/section-1/#ancre-1" in response.text
    # The one live region keeps its element: htmx changes only its text.
    assert 'hx-swap-oob="innerHTML:#live-verdict">Bonne réponse.<' in response.text
    assert 'id="live-verdict"' not in response.text


def test_htmx_next_question_gets_only_the_area(client, bank):
    session = start(client)
    response = client.get(session.get_absolute_url(), headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert 'id="question-title"' in response.text
    assert response["Vary"].count("HX-Request") == 1


def test_no_marker_of_the_right_answer_reaches_the_browser(client, bank):
    session = start(client)
    for _ in range(7):
        response, item = current(client, session)
        html = response.text
        assert "correct" not in html.lower().replace("corrected", "")
        assert "Parce que" not in html  # the explanation waits for the answer
        values = re.findall(r'name="(?:choice|match-\d+|rank-\d+)"[^>]*value="([^"]*)"', html)
        assert all(v.isdigit() for v in values)  # positions, never option keys
        client.post(answer_url(session, item), RIGHT[item.question.type](item.choice_order))


def test_the_option_order_is_shuffled_per_attempt_and_stable_on_reload(client, bank, monkeypatch):
    force_next(monkeypatch, "multiple")
    orders = set()
    for _ in range(8):
        session = start(client, size=10)
        _, item = current(client, session)
        orders.add(tuple(item.choice_order))
    assert len(orders) > 1
    first, item = current(client, session)
    again, _ = current(client, session)
    assert first.context["shown"].choices == again.context["shown"].choices


def test_a_resent_answer_is_recorded_once_and_keeps_its_result(client, bank):
    session = start(client)
    _, item = current(client, session)
    order = item.choice_order
    right = RIGHT[item.question.type](order)
    client.post(answer_url(session, item), right)
    wrong = {"value": "25"} if item.question.type == "port" else {"choice": "0", "value": "true"}
    client.post(answer_url(session, item), wrong)
    client.post(answer_url(session, item), right)
    assert Answer.objects.filter(item=item).count() == 1
    assert Answer.objects.get(item=item).correct


def test_an_unfinished_session_is_listed_for_resuming(client, bank):
    session = start(client)
    _, item = current(client, session)
    client.post(answer_url(session, item), RIGHT[item.question.type](item.choice_order))
    home = client.get(reverse("practice:home"))
    assert session in home.context["unfinished"]
    _, resumed = current(client, session)
    assert resumed.position == 2


def test_a_malformed_answer_gets_a_400_in_french_and_records_nothing(client, bank):
    session = start(client)
    _, item = current(client, session)
    response = client.post(answer_url(session, item), {})
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "Répondez avant d'envoyer" in text or "Cochez au moins une option" in text
    assert Answer.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        ("single", {"choice": "99"}),
        ("multiple", {"choice": ["0", "x"]}),
        ("truefalse", {"value": "perhaps"}),
        ("port", {"value": "-3"}),
        ("short", {"value": "a" * 2000}),
        ("matching", {"match-0": "0"}),
        ("ordering", {"rank-0": "1", "rank-1": "1", "rank-2": "1", "rank-3": "1"}),
    ],
)
def test_each_item_type_refuses_bad_input_with_a_4xx(client, bank, kind, bad, monkeypatch):
    force_next(monkeypatch, kind)
    session = start(client)
    _, item = current(client, session)
    response = client.post(answer_url(session, item), bad, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert Answer.objects.count() == 0


def test_a_question_not_in_the_session_is_refused(client, bank):
    session = start(client, size=5)
    current(client, session)
    response = client.post(
        reverse("practice:answer", kwargs={"pk": session.pk, "position": 42}), {"value": "1"}
    )
    assert response.status_code == 400
    assert "ne fait pas partie de votre session" in response.text


def test_a_question_not_yet_asked_cannot_be_answered(client, bank):
    session = start(client)
    current(client, session)
    response = client.post(
        reverse("practice:answer", kwargs={"pk": session.pk, "position": 3}), {"value": "1"}
    )
    assert response.status_code == 400
    assert Answer.objects.count() == 0


def test_nobody_reaches_someone_elses_session(client, bank, trainee, other_trainee):
    client.force_login(trainee)
    session = start(client)
    current(client, session)
    client.force_login(other_trainee)
    assert client.get(session.get_absolute_url()).status_code == 404
    (_,) = [session.items.first()]
    assert client.post(answer_url(session, session.items.first()), {}).status_code == 404
    client.logout()
    assert client.get(session.get_absolute_url()).status_code == 404


def test_a_visitors_answers_move_to_the_account_they_create(client, bank):
    session = start(client)
    _, item = current(client, session)
    client.post(answer_url(session, item), RIGHT[item.question.type](item.choice_order))
    client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "password1": "un-mot-de-passe-long",
            "password2": "un-mot-de-passe-long",
        },
    )
    answer = Answer.objects.get()
    assert answer.learner.user.username == "newbie"
    assert client.get(session.get_absolute_url()).status_code == 200


def test_scope_topic_needs_a_topic(client, bank):
    response = client.post(reverse("practice:home"), {"scope": "topic", "size": 5})
    assert response.status_code == 400
    assert PracticeSession.objects.count() == 0


def _queries(client, method, url, data=None, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, **kwargs)
    assert response.status_code in (200, 302)
    # Savepoints around first inserts (which make them race-free) are transaction
    # control, not queries: they read and write no table.
    return [q["sql"][:90] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.parametrize("extra_history", [0, 40])
def test_answer_and_next_cost_at_most_ten_queries(client, bank, trainee, extra_history):
    client.force_login(trainee)
    for _ in range(extra_history // 7):  # history grows; the cost must not
        old = start(client)
        for item in old.items.all():
            client.get(old.get_absolute_url())
            client.post(answer_url(old, item), RIGHT[item.question.type](item.choice_order))
    session = start(client)
    _, item = current(client, session)
    hx = {"headers": {"HX-Request": "true"}}
    posted = _queries(
        client,
        "post",
        answer_url(session, item),
        RIGHT[item.question.type](item.choice_order),
        **hx,
    )
    following = _queries(client, "get", session.get_absolute_url(), **hx)
    # The trainers' per-day summary (quizapp/groups) is kept in the answer's own
    # transaction so that the dashboard never reads answers: counted on its own.
    summary = [sql for sql in posted if '"groups_' in sql]
    answering = [sql for sql in posted if sql not in summary]
    assert len(answering) <= 10, "\n".join(answering)
    assert len(summary) <= 5, "\n".join(summary)
    assert len(following) <= 10, "\n".join(following)


def test_a_visitors_answers_and_reviews_move_to_the_account_they_log_into(client, bank, trainee):
    from quizapp.adaptive.models import ReviewCard
    from quizapp.practice.models import Learner

    Learner.objects.create(user=trainee)  # the account practised before
    session = start(client)
    _, item = current(client, session)
    client.post(answer_url(session, item), RIGHT[item.question.type](item.choice_order))
    client.post(reverse("login"), {"username": "alice", "password": "secret-pass-1"})
    answer = Answer.objects.get()
    assert answer.learner.user == trainee
    assert ReviewCard.objects.get().learner.user == trainee
    assert Learner.objects.count() == 1
