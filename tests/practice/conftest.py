import pytest

from course.models import Section, Topic
from quizapp.bank.models import Misconception, Question


def t(fr, en=None):
    return {"fr": fr, "en": en or fr}


SPECS = {
    "single": {
        "options": [
            {"key": "a", "text": t("587"), "correct": True},
            {"key": "b", "text": t("25"), "correct": False, "misconception": "port-25-for-clients"},
            {"key": "c", "text": t("110"), "correct": False},
        ]
    },
    "multiple": {
        "options": [
            {"key": "a", "text": t("993"), "correct": True},
            {"key": "b", "text": t("995"), "correct": True},
            {"key": "c", "text": t("25"), "correct": False, "misconception": "port-25-for-clients"},
            {"key": "d", "text": t("143"), "correct": False},
        ]
    },
    "truefalse": {"answer": False, "misconception": "imap-subjects-only"},
    "port": {"answer": 587, "accepted": [587], "misconceptions": {"25": "port-25-for-clients"}},
    "short": {"accepted": ["STARTTLS"]},
    "matching": {
        "pairs": [
            {"key": "p1", "left": t("SMTP relais", "SMTP relay"), "right": t("25")},
            {"key": "p2", "left": t("Soumission", "Submission"), "right": t("587")},
            {"key": "p3", "left": t("IMAPS"), "right": t("993")},
        ],
        "distractors": [{"key": "x1", "text": t("8080")}],
    },
    "ordering": {
        "steps": [
            {"key": "s1", "text": t("EHLO")},
            {"key": "s2", "text": t("MAIL FROM")},
            {"key": "s3", "text": t("RCPT TO")},
            {"key": "s4", "text": t("DATA")},
        ]
    },
}


@pytest.fixture
def bank(make_course):
    """One published question of each type, on the ports topic."""
    make_course(sections=2)
    Misconception.objects.create(
        slug="port-25-for-clients",
        label_fr="Le port 25 pour les clients",
        label_en="Port 25 for clients",
    )
    Misconception.objects.create(
        slug="imap-subjects-only",
        label_fr="IMAP ne télécharge que les sujets",
        label_en="IMAP only subjects",
    )
    topic = Topic.objects.get(slug="ports-security")
    section = Section.objects.get(slug="section-1")
    questions = {}
    for kind, spec in SPECS.items():
        question = Question.objects.create(
            key=f"q-{kind}",
            type=kind,
            status=Question.Status.PUBLISHED,
            main_topic=topic,
            section=section,
            anchor="ancre-1",
            source="RFC 6409 §3.1",
            text_fr=f"Question {kind} ?",
            text_en=f"Question {kind}?",
            explanation_fr=f"Parce que {kind}.",
            explanation_en=f"Because {kind}.",
            spec=spec,
        )
        question.topics.set([topic])
        questions[kind] = question
    return questions
