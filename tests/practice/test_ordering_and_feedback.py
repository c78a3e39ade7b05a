"""Ordering without script, partial credit shown step by step, Markdown, one live region."""

import html
import re

import pytest
from django.urls import reverse

from quizapp.bank.models import Question
from quizapp.practice.models import Answer
from tests.practice.test_views import RIGHT, answer_url, current, force_next, start

pytestmark = pytest.mark.django_db


def shown_steps(response) -> list[str]:
    return [text for _position, text in response.context["shown"].choices]


def ranks(response) -> dict[str, str]:
    return dict(re.findall(r'name="(rank-\d+)" value="(\d+)"', response.text))


def test_it_moves_a_step_up_without_recording_an_answer(client, bank, monkeypatch):
    force_next(monkeypatch, "ordering")
    session = start(client)
    page, item = current(client, session)
    before = shown_steps(page)
    moved = client.post(answer_url(session, item), {**ranks(page), "move": "up-2"})
    assert moved.status_code == 200
    after = shown_steps(moved)
    assert after == [before[0], before[2], before[1], before[3]]
    assert Answer.objects.count() == 0
    # The button that moved keeps the focus, with no script: it is at its new place.
    assert re.search(r'value="up-1"[^>]*autofocus', moved.text.replace("\n", " "))


def test_the_arranged_order_is_what_gets_graded(client, bank, monkeypatch):
    force_next(monkeypatch, "ordering")
    session = start(client)
    page, item = current(client, session)
    url, order = answer_url(session, item), item.choice_order

    def keys(response) -> list[str]:
        return [order[position] for position, _text in response.context["shown"].choices]

    # Bubble the steps into place with the up buttons alone, as on a phone without script.
    data, arrangement = ranks(page), keys(page)
    while wrong := next((i for i in range(1, 4) if arrangement[i] < arrangement[i - 1]), 0):
        moved = client.post(url, {**data, "move": f"up-{wrong}"})
        data, arrangement = ranks(moved), keys(moved)
    assert arrangement == ["s1", "s2", "s3", "s4"]
    client.post(url, data)
    assert Answer.objects.get().correct


def test_a_move_on_another_type_is_refused(client, bank, monkeypatch):
    force_next(monkeypatch, "single")
    session = start(client)
    _, item = current(client, session)
    response = client.post(answer_url(session, item), {"move": "up-1"})
    assert response.status_code == 400
    assert Answer.objects.count() == 0


def test_ordering_feedback_shows_the_partial_credit_and_each_step_right_or_wrong(
    client, bank, monkeypatch
):
    force_next(monkeypatch, "ordering")
    session = start(client)
    _, item = current(client, session)
    order = item.choice_order
    # EHLO, MAIL FROM, DATA, RCPT TO: two steps in place, two pairs of three kept.
    given = ["s1", "s2", "s4", "s3"]
    client.post(
        answer_url(session, item), {f"rank-{order.index(k)}": r for r, k in enumerate(given, 1)}
    )
    feedback = client.get(session.get_absolute_url() + "?feedback=1")
    assert feedback.context["answer"].score == pytest.approx(1 / 3, abs=0.001)
    text = html.unescape(feedback.text)
    assert "Partiellement juste : 33 %" in text
    assert "2 étapes sur 4 à la bonne place" in text
    marks = [(line.text, line.right) for line in feedback.context["given_answer"]]
    assert marks == [("EHLO", True), ("MAIL FROM", True), ("DATA", False), ("RCPT TO", False)]
    assert "se place à l'étape 4" in text


def test_markdown_in_choices_and_explanations_is_rendered_and_sanitised(client, bank, monkeypatch):
    question = Question.objects.get(key="q-single")
    question.spec["options"][0]["text"] = {"fr": "S : `250 OK` <script>x()</script>"}
    question.explanation_fr = "Le serveur répond *toujours* `250`."
    question.save()
    force_next(monkeypatch, "single")
    session = start(client)
    page, item = current(client, session)
    assert "S : <code>250 OK</code>" in page.text
    assert "<script>x()" not in page.text and "`250 OK`" not in page.text
    client.post(answer_url(session, item), RIGHT["single"](item.choice_order))
    feedback = client.get(session.get_absolute_url() + "?feedback=1")
    assert "<em>toujours</em> <code>250</code>" in feedback.text
    assert "<code>250 OK</code>" in feedback.text  # the recap of the answer


def test_the_page_holds_one_live_region_that_says_the_verdict(client, bank):
    session = start(client)
    _, item = current(client, session)
    posted = client.post(answer_url(session, item), RIGHT[item.question.type](item.choice_order))
    assert posted["Location"].endswith("#feedback-title")
    feedback = client.get(posted["Location"])
    assert feedback.text.count('id="live-verdict"') == 1
    assert re.search(r'id="live-verdict"[^>]*>Bonne réponse\.<', feedback.text)
    assert "hx-swap-oob" not in feedback.text
    # Without script, the feedback heading takes the focus when the page loads.
    assert re.search(r'id="feedback-title"[^>]*autofocus', feedback.text)


def test_progress_uses_plural_forms(client, bank):
    session = start(client)
    page, item = current(client, session)
    assert "0 question répondue sur 10" in page.text
    client.post(answer_url(session, item), RIGHT[item.question.type](item.choice_order))
    _, item = current(client, session)
    client.post(answer_url(session, item), RIGHT[item.question.type](item.choice_order))
    page, _ = current(client, session)
    assert "2 questions répondues sur 10" in page.text
    assert "répondue(s)" not in page.text


WRONG = {
    "single": lambda order: {"choice": str(order.index("b"))},
    "multiple": lambda order: {"choice": [str(order.index("c"))]},
    "truefalse": lambda order: {"value": "true"},
    "port": lambda order: {"value": "25"},
    "short": lambda order: {"value": "nope"},
    "matching": lambda order: {f"match-{i}": str(order.index("x1")) for i in range(3)},
    "ordering": lambda order: {
        f"rank-{order.index(k)}": str(r) for r, k in enumerate(["s4", "s3", "s2", "s1"], 1)
    },
}


def test_a_section_tests_summary_links_the_next_section_and_lists_each_paragraph_once(client, bank):
    from course.models import Section
    from quizapp.practice.models import PracticeSession

    section = Section.objects.get(slug="section-1")
    client.post(
        reverse("practice:home"),
        {"mode": "section_test", "scope": "section", "section": section.pk, "size": 2},
    )
    session = PracticeSession.objects.get()
    for _ in range(2):  # both missed, both on the same paragraph
        _, item = current(client, session)
        client.post(answer_url(session, item), WRONG[item.question.type](item.choice_order))
    summary = client.get(session.get_absolute_url())
    assert summary.context["state"] == "summary"
    assert "Section suivante : Partie 2" in summary.text
    assert 'href="/course/section-2/"' in summary.text
    (paragraph,) = summary.context["to_reread"]
    assert (paragraph.title, paragraph.heading, paragraph.missed) == ("Partie 1", "Titre 1", 2)
    assert "2 questions manquées" in summary.text


def test_a_step_moved_to_the_top_keeps_focus_on_its_down_button(client, bank, monkeypatch):
    force_next(monkeypatch, "ordering")
    session = start(client)
    page, item = current(client, session)
    moved = client.post(answer_url(session, item), {**ranks(page), "move": "up-1"})
    html = moved.text.replace("\n", " ")
    assert re.search(r'value="down-0"[^>]*autofocus', html)
    assert not re.search(r'value="up-0"[^>]*autofocus', html)
