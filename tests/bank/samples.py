"""A small bank covering every item type, with the awkward characters formats must escape."""

import copy

MISCONCEPTIONS = [
    {"slug": "465-vs-587", "label": {"fr": "Confondre 465 et 587", "en": "Mixing up 465 and 587"}},
    {
        "slug": "port-25-for-clients",
        "label": {"fr": "Le port 25 pour les clients", "en": "Port 25 for mail clients"},
    },
    {"slug": "mta-vs-mda", "label": {"fr": "MTA -> MDA : confusion", "en": "MTA -> MDA mix-up"}},
]


def _both(fr: str, en: str) -> dict:
    return {"fr": fr, "en": en}


def _common(key: str, qtype: str, **extra) -> dict:
    item = {
        "key": key,
        "type": qtype,
        "status": "published",
        "topics": ["ports-security"],
        "difficulty": 0.0,
        "section": "section-1",
        "anchor": "ancre-1",
        "source": "RFC 6409 §3.1",
        "text": _both(f"Question {key} ?", f"Question {key}?"),
        "explanation": _both("Parce que.", "Because."),
    }
    item.update(extra)
    return item


ITEMS = [
    _common(
        "single-587",
        "single",
        difficulty=-0.75,
        topics=["ports-security", "smtp-roles"],
        text=_both(
            "Quel port pour `MAIL FROM:<a@b>` {soumission} ~ = # \\\\ ?\n\n```text\n220 ok\n```",
            "Which port for submission?",
        ),
        options=[
            {"key": "a", "text": _both("587", "587"), "correct": True, "misconception": None},
            {
                "key": "b",
                "text": _both("465", "465"),
                "correct": False,
                "misconception": "465-vs-587",
            },
            {
                "key": "c",
                "text": _both("25", ""),
                "correct": False,
                "misconception": "port-25-for-clients",
            },
        ],
    ),
    _common(
        "multiple-secure",
        "multiple",
        status="draft",
        difficulty=1.25,
        section="section-2",
        anchor="ancre-2",
        options=[
            {
                "key": "x",
                "text": _both("465 (TLS implicite)", "465 (implicit TLS)"),
                "correct": True,
                "misconception": None,
            },
            {"key": "y", "text": _both("993", "993"), "correct": True, "misconception": None},
            {"key": "z", "text": _both("110", "110"), "correct": False, "misconception": None},
            {
                "key": "w",
                "text": _both("25", "25"),
                "correct": False,
                "misconception": "port-25-for-clients",
            },
        ],
    ),
    _common(
        "tf-pop3", "truefalse", answer=False, misconception="465-vs-587", section="", anchor=""
    ),
    _common("tf-imap", "truefalse", answer=True, misconception=None, source=""),
    _common(
        "port-submission",
        "port",
        answer=587,
        accepted=[465, 587],
        misconceptions={"25": "port-25-for-clients"},
    ),
    _common("port-imaps", "port", answer=993, accepted=[993]),
    _common(
        "short-starttls",
        "short",
        accepted=["STARTTLS", "STLS"],
        misconceptions={"TLS: implicit": "465-vs-587"},
    ),
    _common(
        "matching-roles",
        "matching",
        topics=["smtp-roles"],
        pairs=[
            {
                "key": "mua",
                "left": _both("MUA", "MUA"),
                "right": _both("Client : lit", "Client: reads"),
            },
            {
                "key": "mta",
                "left": _both("MTA", "MTA"),
                "right": _both("Relaie -> livre", "Relays"),
            },
            {"key": "mda", "left": _both("MDA", "MDA"), "right": _both("Dépose", "Delivers")},
        ],
        distractors=[{"key": "dns", "text": _both("Résout les noms", "Resolves names")}],
    ),
    _common(
        "ordering-dialogue",
        "ordering",
        topics=["smtp-roles"],
        steps=[
            {"key": "ehlo", "text": _both("EHLO", "EHLO")},
            {"key": "mail", "text": _both("MAIL FROM:", "MAIL FROM:")},
            {"key": "rcpt", "text": _both("RCPT TO:", "RCPT TO:")},
            {"key": "data", "text": _both("DATA", "DATA")},
        ],
    ),
    # The shapes of items made in Moodle: weights, ordered answers, feedback, hints.
    _common(
        "single-partial",
        "single",
        options=[
            {
                "key": "a",
                "text": _both("587", "587"),
                "correct": True,
                "misconception": None,
                "feedback": _both("Oui : la soumission.", "Yes: submission."),
            },
            {
                "key": "b",
                "text": _both("465", "465"),
                "correct": False,
                "fraction": 0.5,
                "misconception": "465-vs-587",
                "feedback": _both("À moitié : TLS implicite.", "Half: implicit TLS."),
            },
            {"key": "c", "text": _both("25", "25"), "correct": False, "misconception": None},
        ],
        hints=[_both("Pensez au client.", "Think of the client."), _both("Pas 25.", "")],
    ),
    _common(
        "multiple-weighted",
        "multiple",
        explanation=_both("", ""),
        options=[
            {
                "key": "a",
                "text": _both("IMAP", "IMAP"),
                "correct": True,
                "fraction": 0.9,
                "misconception": None,
            },
            {
                "key": "b",
                "text": _both("POP3", "POP3"),
                "correct": True,
                "fraction": 0.1,
                "misconception": None,
            },
            {
                "key": "c",
                "text": _both("SMTP", "SMTP"),
                "correct": False,
                "fraction": -1.0,
                "misconception": "mta-vs-mda",
            },
        ],
    ),
    _common(
        "numerical-year",
        "numerical",
        answers=[
            {
                "value": 1982,
                "tolerance": 0,
                "fraction": 1.0,
                "feedback": _both("RFC 821.", "RFC 821."),
            },
            {"value": 1982, "tolerance": 2, "fraction": 0.5, "misconception": "465-vs-587"},
            {"value": 3.5, "tolerance": 0.25, "fraction": 0.1},
        ],
    ),
    _common(
        "short-wildcard",
        "short",
        answers=[
            {"text": "MAIL FROM*", "fraction": 1.0, "feedback": _both("Oui.", "Yes.")},
            {"text": "HELO", "fraction": 0.5, "misconception": "mta-vs-mda"},
            {"text": "*", "fraction": 0.0, "feedback": _both("Non.", "No.")},
        ],
    ),
    _common(
        "short-case",
        "short",
        usecase=True,
        answers=[{"text": "EHLO", "fraction": 1.0}],
    ),
    _common(
        "tf-feedback",
        "truefalse",
        answer=True,
        misconception=None,
        feedback={"true": _both("Bien.", "Good."), "false": _both("Relisez.", "Read again.")},
    ),
]


def items() -> list[dict]:
    """Return a fresh copy of the sample items."""
    return copy.deepcopy(ITEMS)


def misconceptions() -> list[dict]:
    return copy.deepcopy(MISCONCEPTIONS)
