"""Items imported from Moodle in practice: partial credit, numbers, per-answer feedback, hints."""

import pytest
from django.urls import reverse

from course.models import Section, Topic
from quizapp.bank.models import Question
from quizapp.practice.models import Answer
from tests.practice.test_views import answer_url, current, force_next, start

pytestmark = pytest.mark.django_db


def both(fr, en=""):
    return {"fr": fr, "en": en}


@pytest.fixture
def moodle_items(bank):
    topic, section = Topic.objects.get(slug="ports-security"), Section.objects.get(slug="section-1")
    specs = {
        "single": {
            "options": [
                {"key": "a", "text": both("587"), "correct": True, "feedback": both("Oui.")},
                {
                    "key": "b",
                    "text": both("465"),
                    "correct": False,
                    "fraction": 0.5,
                    "feedback": both("À moitié : c'est le TLS implicite."),
                },
                {"key": "c", "text": both("25"), "correct": False},
            ],
            "hints": [both("Pensez au client de messagerie."), both("Ni 25, ni 110.")],
        },
        "numerical": {
            "answers": [
                {"value": 3.5, "tolerance": 0.1, "fraction": 1.0, "feedback": both("Exact.")},
                {"value": 3, "tolerance": 0.5, "fraction": 0.5, "feedback": both("Proche.")},
            ]
        },
    }
    for kind, spec in specs.items():
        Question.objects.create(
            key=f"q-moodle-{kind}",
            type=kind,
            status=Question.Status.PUBLISHED,
            main_topic=topic,
            section=section,
            text_fr=f"Question Moodle {kind} ?",
            explanation_fr="",
            spec=spec,
        )


def force(monkeypatch, key):
    from quizapp.adaptive.services import Pick

    question = Question.objects.get(key=key)
    monkeypatch.setattr(
        "quizapp.practice.services.adaptive.pick_next",
        lambda **kwargs: Pick(question, "new_at_level", None, False),
    )


def test_an_option_worth_half_gives_half_and_its_feedback_shows_next_to_it(
    client, moodle_items, monkeypatch
):
    force(monkeypatch, "q-moodle-single")
    session = start(client)
    response, item = current(client, session)
    assert "TLS implicite" not in response.text  # feedback waits for the answer
    posted = client.post(answer_url(session, item), {"choice": str(item.choice_order.index("b"))})
    feedback = client.get(posted["Location"])
    answer = Answer.objects.get(item=item)
    assert answer.score == 0.5 and not answer.correct
    choices = feedback.context["choices"]
    picked = next(c for c in choices if c.picked)
    assert picked.text == "465" and picked.partial
    assert picked.feedback == "À moitié : c'est le TLS implicite."
    assert "À moitié : c&#x27;est le TLS implicite." in feedback.text
    assert "Partiellement juste : 50 %" in feedback.text


def test_hints_are_offered_on_request_before_answering(client, moodle_items, monkeypatch):
    force(monkeypatch, "q-moodle-single")
    session = start(client)
    response, _item = current(client, session)
    assert response.context["hints"] == ["Pensez au client de messagerie.", "Ni 25, ni 110."]
    assert response.text.count('<details class="hint">') == 2


@pytest.mark.parametrize(("typed", "score"), [("3,5", 1.0), ("3.45", 1.0), ("2,8", 0.5)])
def test_a_number_typed_with_a_comma_is_graded_within_its_tolerance(
    client, moodle_items, monkeypatch, typed, score
):
    force(monkeypatch, "q-moodle-numerical")
    session = start(client)
    response, item = current(client, session)
    assert 'inputmode="decimal"' in response.text
    posted = client.post(answer_url(session, item), {"value": typed})
    assert Answer.objects.get(item=item).score == score
    feedback = client.get(posted["Location"])
    assert feedback.context["answer_feedback"] == ("Exact." if score == 1.0 else "Proche.")


def test_a_number_that_is_not_one_is_refused_in_french(client, moodle_items, monkeypatch):
    force(monkeypatch, "q-moodle-numerical")
    session = start(client)
    _response, item = current(client, session)
    response = client.post(answer_url(session, item), {"value": "trois"})
    assert response.status_code == 400
    assert not Answer.objects.filter(item=item).exists()


def test_the_port_item_still_reads_and_grades_as_before(client, bank, monkeypatch):
    force_next(monkeypatch, "port")
    session = start(client)
    _response, item = current(client, session)
    client.post(answer_url(session, item), {"value": "587"})
    assert Answer.objects.get(item=item).correct
    assert reverse("practice:home")
