"""Moodle XML: write the bank for an LMS and read it back, or read a file made in Moodle.

Types: multichoice (single and multiple), truefalse, shortanswer (case
insensitive), numerical (our port questions: exact answers), matching and
ordering (core since Moodle 4.4). Texts are written in one language, in
Moodle's "markdown" format, which renders our `backticks` and fenced blocks
as code. Right options of a multiple-choice question share 100 % and wrong
ones share -100 %; the feedback of a wrong option or answer is the label of
its misconception. Metadata travels as tags and the idnumber; the other
language and the item keys in a <facteur> element that Moodle ignores (see
common.py). A file is parsed with defusedxml: no entities, no external DTD.
"""

import re
from collections.abc import Sequence
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from quizapp.bank.formats.common import (
    Extras,
    FormatError,
    assign_keys,
    finish,
    key_candidate,
    option_key,
    partial_credit,
    payload,
    percent,
    shown_text,
    tags,
)
from quizapp.bank.formats.htmltext import html_to_text
from quizapp.bank.native import BankImportError

MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "port": "numerical",
    "short": "shortanswer",
    "matching": "matching",
    "ordering": "ordering",
}
TEXT_FORMAT = "markdown"
CATEGORY_ROOT = "$course$/top/Facteur"
FULL = 99.99  # Moodle writes 100 % as "100" or "100.0000000"
TRUE_WORDS, FALSE_WORDS = {"true", "vrai"}, {"false", "faux"}


# Writing ------------------------------------------------------------------


def _wrapped(parent, tag: str, text: str, fmt: str | None = None):
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def _simple(parent, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text


def _answer(parent, fraction: float, text: str, *, feedback="", fmt="moodle_auto_format"):
    answer = ET.SubElement(parent, "answer", {"fraction": percent(fraction), "format": fmt})
    ET.SubElement(answer, "text").text = text
    _wrapped(answer, "feedback", feedback, TEXT_FORMAT)
    return answer


def _write_choices(q, item: dict, lang: str, label) -> None:
    single = item["type"] == "single"
    _simple(q, "single", "true" if single else "false")
    _simple(q, "shuffleanswers", "true")
    _simple(q, "answernumbering", "abc")
    right = sum(bool(o["correct"]) for o in item["options"])
    wrong = len(item["options"]) - right
    for option in item["options"]:
        if option["correct"]:
            fraction = 100 if single else 100 / right
        else:
            fraction = 0 if single else -100 / wrong
        text = shown_text(option["text"], lang)
        _answer(q, fraction, text, feedback=label(option.get("misconception")), fmt=TEXT_FORMAT)


def _write_truefalse(q, item: dict, lang: str, label) -> None:
    for value, word in ((True, "true"), (False, "false")):
        right = item["answer"] == value
        feedback = "" if right else label(item.get("misconception"))
        _answer(q, 100 if right else 0, word, feedback=feedback)


def _write_wrong_answers(q, item: dict, label, tolerance: bool) -> None:
    for wrong, slug in (item.get("misconceptions") or {}).items():
        answer = _answer(q, 0, wrong, feedback=label(slug))
        if tolerance:
            _simple(answer, "tolerance", "0")


def _write_port(q, item: dict, lang: str, label) -> None:
    for port in item["accepted"]:
        _simple(_answer(q, 100, str(port)), "tolerance", "0")
    _write_wrong_answers(q, item, label, tolerance=True)


def _write_short(q, item: dict, lang: str, label) -> None:
    _simple(q, "usecase", "0")
    for text in item["accepted"]:
        _answer(q, 100, text.replace("*", r"\*"))  # a bare * is Moodle's wildcard
    _write_wrong_answers(q, item, label, tolerance=False)


def _write_matching(q, item: dict, lang: str, label) -> None:
    _simple(q, "shuffleanswers", "true")
    rows = [(p["left"], p["right"]) for p in item["pairs"]]
    rows += [({}, d["text"]) for d in item.get("distractors", [])]
    for left, right in rows:  # a subquestion without text is a distractor
        sub = _wrapped(q, "subquestion", shown_text(left, lang) if left else "", TEXT_FORMAT)
        _wrapped(sub, "answer", shown_text(right, lang))


def _write_ordering(q, item: dict, lang: str, label) -> None:
    _simple(q, "layouttype", "VERTICAL")
    _simple(q, "selecttype", "ALL")
    _simple(q, "selectcount", str(len(item["steps"])))
    # Our partial credit rule is Moodle's "relative to the next item, excluding the last".
    _simple(q, "gradingtype", "RELATIVE_NEXT_EXCLUDE_LAST")
    _simple(q, "showgrading", "SHOW")
    _simple(q, "numberingstyle", "none")
    for position, step in enumerate(item["steps"], start=1):
        answer = ET.SubElement(q, "answer", {"fraction": str(position), "format": TEXT_FORMAT})
        ET.SubElement(answer, "text").text = shown_text(step["text"], lang)


WRITERS = {
    "single": _write_choices,
    "multiple": _write_choices,
    "truefalse": _write_truefalse,
    "port": _write_port,
    "short": _write_short,
    "matching": _write_matching,
    "ordering": _write_ordering,
}


def _write_payload(q, data: dict) -> None:
    element = ET.SubElement(q, "facteur", {"lang": data["lang"]})
    for name, text in data["other"].items():
        ET.SubElement(element, "other", {"name": name}).text = text
    for name in data["fallback"]:
        ET.SubElement(element, "fallback", {"name": name})


def _write_question(quiz, item: dict, lang: str, label) -> None:
    q = ET.SubElement(quiz, "question", {"type": MOODLE_TYPES[item["type"]]})
    _wrapped(q, "name", item["key"])
    _wrapped(q, "questiontext", shown_text(item["text"], lang), TEXT_FORMAT)
    _wrapped(q, "generalfeedback", shown_text(item["explanation"], lang), TEXT_FORMAT)
    _simple(q, "defaultgrade", "1")
    _simple(q, "penalty", "0.3333333")
    _simple(q, "hidden", "0")
    _simple(q, "idnumber", item["key"])
    WRITERS[item["type"]](q, item, lang, label)
    tag_list = ET.SubElement(q, "tags")
    for text in tags(item):
        _wrapped(tag_list, "tag", text)
    _write_payload(q, payload(item, lang))


def write(questions: list[dict], misconceptions: list[dict], lang: str) -> tuple[str, list]:
    """Return the Moodle XML of the items (texts in `lang`) and what was left out (nothing)."""
    labels = {m["slug"]: m["label"] for m in misconceptions}

    def label(slug: str | None) -> str:
        return shown_text(labels[slug], lang) if slug in labels else ""

    quiz, topic = ET.Element("quiz"), None
    for item in questions:
        if item["topics"][0] != topic:  # one Moodle category per main topic
            topic = item["topics"][0]
            category = ET.SubElement(quiz, "question", {"type": "category"})
            _wrapped(category, "category", f"{CATEGORY_ROOT}/{topic}")
        _write_question(quiz, item, lang, label)
    ET.indent(quiz)
    body = ET.tostring(quiz, encoding="unicode", short_empty_elements=False)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n', []


# Reading ------------------------------------------------------------------


def _content(element, default_format: str = "html") -> str:
    """Return the text of an element with a <text> child, HTML turned into plain text."""
    if element is None:
        return ""
    raw = element.findtext("text") or ""
    return html_to_text(raw) if element.get("format", default_format) == "html" else raw


def _flag(value: str | None, default: bool) -> bool:
    value = (value or "").strip().lower()
    return default if not value else value in ("true", "1", "yes")


def _fraction(answer) -> float:
    raw = answer.get("fraction", "0")
    try:
        return float(raw)
    except ValueError:
        raise FormatError(_("“%(value)s” is not a grade") % {"value": raw}) from None


def _read_choices(q) -> tuple[dict, list]:
    single = _flag(q.findtext("single"), True)
    options = []
    for index, answer in enumerate(q.findall("answer")):
        fraction = _fraction(answer)
        if single and 0 < fraction < FULL:
            raise partial_credit(fraction)
        options.append(
            {
                "key": option_key(index),
                "text": {"fr": _content(answer)},
                "correct": fraction >= FULL if single else fraction > 0,
                "misconception": None,
            }
        )
    return {"type": "single" if single else "multiple", "options": options}, []


def _read_truefalse(q) -> tuple[dict, list]:
    answers = q.findall("answer")
    right = [a for a in answers if _fraction(a) >= FULL]
    words = {(a.findtext("text") or "").strip().lower() for a in answers}
    one_each = len(words & TRUE_WORDS) == 1 and len(words & FALSE_WORDS) == 1
    if len(answers) != 2 or len(right) != 1 or not one_each:
        raise FormatError(_("a true/false question needs “true” and “false”, one of them right"))
    value = (right[0].findtext("text") or "").strip().lower()
    return {"type": "truefalse", "answer": value in TRUE_WORDS, "misconception": None}, []


def _graded_answers(q):
    """Yield (fraction, text) of the answers, refusing partial credit."""
    for answer in q.findall("answer"):
        fraction = _fraction(answer)
        if 0 < fraction < FULL:
            raise partial_credit(fraction)
        yield fraction, answer


def _read_short(q) -> tuple[dict, list]:
    accepted, wrong = [], []
    for fraction, answer in _graded_answers(q):
        text = _content(answer, "moodle_auto_format")
        if fraction <= 0 and text.strip() == "*":
            continue  # Moodle's "any other answer"
        if re.search(r"(?<!\\)\*", text):
            raise FormatError(
                _("the wildcard * in “%(answer)s” is not supported") % {"answer": text}
            )
        (accepted if fraction >= FULL else wrong).append(text.replace(r"\*", "*"))
    return {"type": "short", "accepted": accepted}, wrong


def _port(raw: str) -> int:
    try:
        value = float(raw)
    except ValueError:
        value = 0.5
    if not value.is_integer():
        raise FormatError(_("“%(value)s” is not a whole number") % {"value": raw})
    return int(value)


def _port_tolerance(answer) -> float:
    raw = (answer.findtext("tolerance") or "0").strip()
    try:
        return float(raw)
    except ValueError:
        raise FormatError(_("“%(value)s” is not a number") % {"value": raw}) from None


def _read_port(q) -> tuple[dict, list]:
    accepted, wrong = [], []
    for fraction, answer in _graded_answers(q):
        raw = (answer.findtext("text") or "").strip()
        if raw == "*":
            continue
        if fraction >= FULL and _port_tolerance(answer):
            raise FormatError(_("a tolerance has no equivalent: list each accepted number"))
        (accepted if fraction >= FULL else wrong).append(_port(raw))
    return {"type": "port", "accepted": accepted}, [str(port) for port in wrong]


def _read_matching(q) -> tuple[dict, list]:
    pairs, distractors = [], []
    for sub in q.findall("subquestion"):
        left, right = _content(sub), _content(sub.find("answer"), "plain_text")
        if left.strip():
            pairs.append(
                {"key": f"p{len(pairs) + 1}", "left": {"fr": left}, "right": {"fr": right}}
            )
        else:
            distractors.append({"key": f"x{len(distractors) + 1}", "text": {"fr": right}})
    item = {"type": "matching", "pairs": pairs}
    if distractors:
        item["distractors"] = distractors
    return item, []


def _read_ordering(q) -> tuple[dict, list]:
    answers = list(enumerate(q.findall("answer")))
    # Moodle stores the right position of each item in its "fraction".
    answers.sort(key=lambda pair: (_fraction(pair[1]), pair[0]))
    steps = [
        {"key": f"s{number}", "text": {"fr": _content(answer)}}
        for number, (_index, answer) in enumerate(answers, start=1)
    ]
    return {"type": "ordering", "steps": steps}, []


READERS = {
    "multichoice": _read_choices,
    "truefalse": _read_truefalse,
    "shortanswer": _read_short,
    "numerical": _read_port,
    "matching": _read_matching,
    "match": _read_matching,
    "ordering": _read_ordering,
}


def _read_payload(element) -> dict | None:
    if element is None:
        return None
    names = [e.get("name") for e in element.findall("other")]
    if None in names:
        return {}  # damaged: reported by common.apply_payload
    return {
        "lang": element.get("lang"),
        "other": {e.get("name"): e.text or "" for e in element.findall("other")},
        "fallback": [e.get("name") for e in element.findall("fallback")],
    }


def _read_question(q, default_topics: list[str]) -> dict:
    qtype = q.get("type", "")
    if qtype not in READERS:
        raise FormatError(_("the Moodle type “%(type)s” is not supported") % {"type": qtype})
    if any(e.tag == "file" or "@@PLUGINFILE@@" in (e.text or "") for e in q.iter()):
        raise FormatError(_("it embeds files (such as images), which Facteur cannot import"))
    item, wrong = READERS[qtype](q)
    item["text"] = {"fr": _content(q.find("questiontext"))}
    item["explanation"] = {"fr": _content(q.find("generalfeedback"))}
    extras = Extras(
        tags=[t.findtext("text") or "" for t in q.findall("tags/tag")],
        payload=_read_payload(q.find("facteur")),
        wrong_answers=wrong,
    )
    return finish(item, extras, default_topics)


def _parse(text: str):
    try:
        root = SafeET.fromstring(text)
    except SafeET.ParseError as error:
        line, column = error.position
        message = _("the XML is not well-formed (line %(line)s, column %(column)s)")
        raise BankImportError([message % {"line": line, "column": column}]) from None
    except DefusedXmlException:
        raise BankImportError([_("the XML declares entities, which are refused")]) from None
    if root.tag != "quiz":
        raise BankImportError([_("this is not a Moodle XML question file (no <quiz> element)")])
    return root


def read(text: str, *, default_topics: Sequence[str] = ()) -> tuple[list[dict], list[dict]]:
    """Return (questions, misconceptions) of a Moodle XML file, or raise BankImportError.

    Misconception labels are not read back: the slugs in the tags must
    already be declared in the bank.
    """
    items, candidates, errors = [], [], []
    questions = [q for q in _parse(text).findall("question") if q.get("type") != "category"]
    for number, q in enumerate(questions, start=1):
        name = (q.findtext("name/text") or "").strip()
        try:
            items.append(_read_question(q, list(default_topics)))
        except FormatError as error:
            shown = name or _("question #%(n)s") % {"n": number}
            errors.append(_("“%(name)s”: %(message)s") % {"name": shown, "message": error})
            continue
        candidates.append(key_candidate(q.findtext("idnumber") or "", name))
    if errors:
        raise BankImportError(errors)
    if not items:
        raise BankImportError([_("the file holds no question")])
    assign_keys(items, candidates)
    return items, []
