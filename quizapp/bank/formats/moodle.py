"""Moodle XML: write the bank for an LMS and read it back, or read a file made in Moodle.

Types: multichoice (single and multiple, with Moodle's weights), truefalse,
shortanswer (its case setting and * wildcard kept), numerical (tolerances,
several answers with their own credit; our port questions are numerical
items of whole numbers), matching and ordering (core since Moodle 4.4).
Texts are written in one language, in Moodle's "markdown" format, which
renders our `backticks` and fenced blocks as code. Plain multiple-choice
items share 100 % among their right options and -100 % among the wrong ones.
The feedback of an answer is its own, else the label of its misconception.
Metadata travels as tags and the idnumber; the other language and the item
keys in a <facteur> element, and the misconceptions the file uses in
<facteur-misconception> elements, which Moodle ignores (see common.py).

Reading keeps what Facteur can use and reports the rest: a question of a type
we lack is skipped and named, what is read and not kept (penalty, grade,
combined feedback, old images...) becomes a warning. A file is parsed with
defusedxml: no entities, no external DTD.
"""

import math
from collections.abc import Sequence
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from quizapp.bank import answers
from quizapp.bank.formats import media
from quizapp.bank.formats.common import (
    Extras,
    FormatError,
    Reading,
    Unsupported,
    UnsupportedType,
    assign_keys,
    feedback_text,
    finish,
    fractions,
    is_moodle_grade,
    key_candidate,
    label,
    number_text,
    option_key,
    payload,
    percent,
    short_tags,
    shown_text,
)
from quizapp.bank.formats.htmltext import html_to_text, split_languages
from quizapp.bank.native import BankImportError

MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "port": "numerical",
    "numerical": "numerical",
    "short": "shortanswer",
    "matching": "matching",
    "ordering": "ordering",
}
TEXT_FORMAT = "markdown"
CATEGORY_ROOT = "$course$/top/Facteur"
FULL = 99.99  # Moodle writes 100 % as "100" or "100.0000000"
TRUE_WORDS, FALSE_WORDS = {"true", "vrai"}, {"false", "faux"}
DEFAULT_PENALTY = 0.3333333
COMBINED_FEEDBACK = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")


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
    for option, fraction in zip(item["options"], fractions(item), strict=True):
        text = shown_text(option["text"], lang)
        feedback = feedback_text(option, lang, label)
        _answer(q, fraction, text, feedback=feedback, fmt=TEXT_FORMAT)


def _write_truefalse(q, item: dict, lang: str, label) -> None:
    own = item.get("feedback", {})
    for value, word in ((True, "true"), (False, "false")):
        right = item["answer"] == value
        feedback = shown_text(own[word], lang) if word in own else ""
        if not feedback and not right:
            feedback = label(item.get("misconception"))
        _answer(q, 100 if right else 0, word, feedback=feedback)


def _write_numerical(q, item: dict, lang: str, label) -> None:
    for entry in answers.numeric_answers(item):
        feedback = feedback_text(entry, lang, label)
        answer = _answer(q, 100 * entry["fraction"], number_text(entry["value"]), feedback=feedback)
        _simple(answer, "tolerance", number_text(entry.get("tolerance", 0)))


def _write_short(q, item: dict, lang: str, label) -> None:
    _simple(q, "usecase", "1" if item.get("usecase") else "0")
    for entry in answers.short_answers(item):
        _answer(
            q, 100 * entry["fraction"], entry["text"], feedback=feedback_text(entry, lang, label)
        )


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
    "port": _write_numerical,
    "numerical": _write_numerical,
    "short": _write_short,
    "matching": _write_matching,
    "ordering": _write_ordering,
}


def _write_payload(q, data: dict) -> None:
    attributes = {"lang": data["lang"], **({"plain": "true"} if data.get("plain") else {})}
    element = ET.SubElement(q, "facteur", attributes)
    for name, text in data["other"].items():
        ET.SubElement(element, "other", {"name": name}).text = text
    for name in data["fallback"]:
        ET.SubElement(element, "fallback", {"name": name})
    for text in data.get("tags", []):
        ET.SubElement(element, "tag").text = text


def _write_misconceptions(quiz, misconceptions: list[dict]) -> None:
    """Declare the misconceptions the file uses, in both languages (Moodle ignores them)."""
    for entry in misconceptions:
        element = ET.SubElement(quiz, "facteur-misconception", {"slug": entry["slug"]})
        for lang in ("fr", "en"):
            ET.SubElement(element, "label", {"lang": lang}).text = entry["label"].get(lang, "")


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
    for hint in item.get("hints", []):
        _wrapped(q, "hint", shown_text(hint, lang), TEXT_FORMAT)
    tag_list = ET.SubElement(q, "tags")
    for text in short_tags(item):
        _wrapped(tag_list, "tag", text)
    _write_payload(q, payload(item, lang))


def write(questions: list[dict], misconceptions: list[dict], lang: str) -> tuple[str, list]:
    """Return the Moodle XML of the items (texts in `lang`) and what was left out (nothing)."""
    labels = {m["slug"]: m["label"] for m in misconceptions}

    def label(slug: str | None) -> str:
        return shown_text(labels[slug], lang) if slug in labels else ""

    quiz, topic = ET.Element("quiz"), None
    _write_misconceptions(quiz, misconceptions)
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


class _Question:
    """One <question> being read: its files and what it could not keep."""

    def __init__(self, element, name: str):
        self.element, self.name = element, name
        self.images: dict[str, str] = {}
        self.media: dict[str, tuple[str, str, bytes]] = {}
        self.dropped: list[str] = []
        self.warnings: list[str] = []
        for file in element.iter("file"):
            self._keep_file(file)

    def _keep_file(self, file) -> None:
        name = file.get("name") or ""
        try:
            sha, kind, data = media.decode(name, file.text or "")
        except media.RefusedFile as refused:
            self.warnings.append(_("%(reason)s: not kept") % {"reason": refused})
            return
        self.images.setdefault(name, media.url(sha, kind))
        self.media[sha] = (name, kind, data)

    def texts(self, element, default_format: str = "html") -> dict:
        """Return {"fr", "en"?} of an element with a <text> child, HTML made plain text."""
        if element is None:
            return {"fr": ""}
        raw = element.findtext("text") or ""
        html = element.get("format", default_format) == "html"
        return {
            lang: html_to_text(text, self.images, self.dropped) if html else text
            for lang, text in split_languages(raw).items()
        }

    def feedback(self, answer) -> dict | None:
        texts = self.texts(answer.find("feedback"))
        return texts if texts["fr"].strip() else None


def _flag(value: str | None, default: bool) -> bool:
    value = (value or "").strip().lower()
    return default if not value else value in ("true", "1", "yes")


def _fraction(answer) -> float:
    raw = answer.get("fraction", "0")
    try:
        value = float(raw)
    except ValueError:
        raise FormatError(_("“%(value)s” is not a grade") % {"value": raw}) from None
    if not is_moodle_grade(value):
        raise FormatError(
            _("the grade %(value)s %% is not one of Moodle's grades") % {"value": raw}
        )
    return value


def _read_choices(q: _Question) -> tuple[dict, list]:
    single = _flag(q.element.findtext("single"), True)
    options = []
    for index, answer in enumerate(q.element.findall("answer")):
        fraction = _fraction(answer)
        option = {
            "key": option_key(index),
            "text": q.texts(answer),
            "correct": fraction >= FULL if single else fraction > 0,
            "misconception": None,
        }
        if (single and 0 < fraction < FULL) or (not single and fraction):
            option["fraction"] = round(fraction / 100, 7)
        if feedback := q.feedback(answer):
            option["feedback"] = feedback
        options.append(option)
    if not _flag(q.element.findtext("shuffleanswers"), True):
        q.warnings.append(_("its answers were in a fixed order: Facteur shuffles them"))
    return {"type": "single" if single else "multiple", "options": options}, []


def _read_truefalse(q: _Question) -> tuple[dict, list]:
    answers = q.element.findall("answer")
    right = [a for a in answers if _fraction(a) >= FULL]
    words = {(a.findtext("text") or "").strip().lower() for a in answers}
    one_each = len(words & TRUE_WORDS) == 1 and len(words & FALSE_WORDS) == 1
    if len(answers) != 2 or len(right) != 1 or not one_each:
        raise FormatError(_("a true/false question needs “true” and “false”, one of them right"))
    value = (right[0].findtext("text") or "").strip().lower()
    item = {"type": "truefalse", "answer": value in TRUE_WORDS, "misconception": None}
    feedback = {}
    for answer in answers:
        side = "true" if (answer.findtext("text") or "").strip().lower() in TRUE_WORDS else "false"
        if texts := q.feedback(answer):
            feedback[side] = texts
    if feedback:
        item["feedback"] = feedback
    return item, []


def _credit(fraction: float) -> float:
    if fraction < 0:
        raise FormatError(_("a typed answer cannot be worth less than 0 %"))
    return round(fraction / 100, 7)


def _read_short(q: _Question) -> tuple[dict, list]:
    answers = []
    for answer in q.element.findall("answer"):
        text = (answer.findtext("text") or "").strip()
        if answer.get("format", "moodle_auto_format") == "html":
            text = html_to_text(text)
        entry = {"text": text, "fraction": _credit(_fraction(answer))}
        if feedback := q.feedback(answer):
            entry["feedback"] = feedback
        answers.append(entry)
    item = {"type": "short", "answers": answers}
    if _flag(q.element.findtext("usecase"), False):
        item["usecase"] = True
    return item, []


def _number(raw: str) -> int | float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise FormatError(_("“%(value)s” is not a number") % {"value": raw}) from None
    return int(value) if value.is_integer() else value


def _read_numerical(q: _Question) -> tuple[dict, list]:
    answers = []
    for answer in q.element.findall("answer"):
        raw = (answer.findtext("text") or "").strip()
        if raw == "*":
            if q.feedback(answer):
                q.warnings.append(_("the feedback for any other number is not kept"))
            continue
        tolerance = _number((answer.findtext("tolerance") or "0").strip() or "0")
        entry = {
            "value": _number(raw),
            "tolerance": abs(tolerance),
            "fraction": _credit(_fraction(answer)),
        }
        if feedback := q.feedback(answer):
            entry["feedback"] = feedback
        answers.append(entry)
    if q.element.find("units/unit") is not None:
        q.warnings.append(_("its units are not kept: the number is expected alone"))
    return {"type": "numerical", "answers": answers}, []


def _read_matching(q: _Question) -> tuple[dict, list]:
    pairs, distractors = [], []
    for sub in q.element.findall("subquestion"):
        left, right = q.texts(sub), q.texts(sub.find("answer"), "plain_text")
        if left["fr"].strip():
            pairs.append({"key": f"p{len(pairs) + 1}", "left": left, "right": right})
        else:
            distractors.append({"key": f"x{len(distractors) + 1}", "text": right})
    item = {"type": "matching", "pairs": pairs}
    if distractors:
        item["distractors"] = distractors
    return item, []


def _read_ordering(q: _Question) -> tuple[dict, list]:
    answers = list(enumerate(q.element.findall("answer")))
    # Moodle stores the right position of each item in its "fraction".
    answers.sort(key=lambda pair: (float(pair[1].get("fraction", "0") or 0), pair[0]))
    steps = [
        {"key": f"s{number}", "text": q.texts(answer)}
        for number, (_index, answer) in enumerate(answers, start=1)
    ]
    if any(q.feedback(answer) for _index, answer in answers):
        q.warnings.append(_("the feedback of each step is not kept"))
    return {"type": "ordering", "steps": steps}, []


READERS = {
    "multichoice": _read_choices,
    "truefalse": _read_truefalse,
    "shortanswer": _read_short,
    "numerical": _read_numerical,
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
    data = {
        "lang": element.get("lang"),
        "other": {e.get("name"): e.text or "" for e in element.findall("other")},
        "fallback": [e.get("name") for e in element.findall("fallback")],
    }
    if element.get("plain") == "true":
        data["plain"] = True
    if long_tags := [e.text or "" for e in element.findall("tag")]:
        data["tags"] = long_tags
    return data


def _losses(q: _Question) -> None:
    """Note what Moodle's question holds that Facteur does not keep."""
    element = q.element
    penalty = _float(element.findtext("penalty"), 0.0)
    if penalty not in (0.0, DEFAULT_PENALTY, 1.0):
        message = _("its penalty per wrong try (%(penalty)s %%) is not kept")
        q.warnings.append(message % {"penalty": percent(penalty * 100)})
    grade = _float(element.findtext("defaultgrade"), 1.0)
    if grade != 1.0:
        message = _("its default mark (%(grade)s) is not kept: every question counts 1")
        q.warnings.append(message % {"grade": percent(grade)})
    if any((element.findtext(f"{name}/text") or "").strip() for name in COMBINED_FEEDBACK):
        q.warnings.append(_("its combined feedback (right, partly right, wrong) is not kept"))
    if element.find("image") is not None or element.find("image_base64") is not None:
        q.warnings.append(_("its image in Moodle 1.9's old <image> field is not kept"))
    foreign = [t for t in _tag_texts(element) if not t.startswith("facteur-")]
    if foreign:
        message = _("its tags are not kept: %(tags)s")
        q.warnings.append(message % {"tags": ", ".join(foreign)})


def _float(raw: str | None, default: float) -> float:
    try:
        value = float((raw or "").strip() or default)
    except ValueError:
        return default
    return value if math.isfinite(value) else default


def _tag_texts(element) -> list[str]:
    return [(t.findtext("text") or "").strip() for t in element.findall("tags/tag")]


def _read_question(q: _Question) -> dict:
    qtype = q.element.get("type", "")
    if qtype not in READERS:
        raise UnsupportedType(qtype)
    item, wrong = READERS[qtype](q)
    item["text"] = q.texts(q.element.find("questiontext"))
    item["explanation"] = q.texts(q.element.find("generalfeedback"))
    hints = [q.texts(hint) for hint in q.element.findall("hint")]
    if hints := [hint for hint in hints if hint["fr"].strip()]:
        item["hints"] = hints
    _losses(q)
    extras = Extras(
        tags=_tag_texts(q.element),
        payload=_read_payload(q.element.find("facteur")),
        wrong_answers=wrong,
    )
    item = finish(item, extras)
    for src in q.dropped:
        q.warnings.append(
            _("its image %(src)s is not kept: only images in the file are") % {"src": src}
        )
    return item


def _parse(text: str):
    try:
        root = SafeET.fromstring(text)
    except SafeET.ParseError as error:
        line, column = error.position
        message = _("the XML is not well-formed (line %(line)s, column %(column)s)")
        raise BankImportError([message % {"line": line, "column": column}]) from None
    except DefusedXmlException:
        raise BankImportError([_("the XML declares entities, which are refused")]) from None
    if root.tag == "question":  # one question saved alone, as Moodle's plugins do
        quiz = ET.Element("quiz")
        quiz.append(root)
        return quiz
    if root.tag != "quiz":
        raise BankImportError([_("this is not a Moodle XML question file (no <quiz> element)")])
    return root


def _read_misconceptions(root) -> list[dict]:
    return [
        {
            "slug": element.get("slug") or "",
            "label": {
                label_element.get("lang") or "fr": label_element.text or ""
                for label_element in element.findall("label")
            },
        }
        for element in root.findall("facteur-misconception")
    ]


def read(text: str, *, default_topics: Sequence[str] = ()) -> Reading:
    """Return what a Moodle XML file holds, or raise BankImportError.

    Questions of a type Facteur lacks are skipped and listed; an error in any
    other question refuses the whole file.
    """
    root = _parse(text)
    reading = Reading(misconceptions=_read_misconceptions(root))
    items, candidates, errors, category, number = [], [], [], "", 0
    for element in root.findall("question"):
        if element.get("type") == "category":
            category = (element.findtext("category/text") or "").strip()
            continue
        number += 1
        name = (element.findtext("name/text") or "").strip()
        q, shown = _Question(element, name), label(html_to_text(name), number=number)
        try:
            item = _read_question(q)
        except UnsupportedType as unsupported:
            where = _("no. %(number)s") % {"number": number}
            reading.skipped.append(Unsupported(name, unsupported.qtype, where))
            continue
        except FormatError as error:
            errors.append(_("%(question)s: %(message)s") % {"question": shown, "message": error})
            continue
        items.append(item)
        candidates.append(key_candidate(element.findtext("idnumber") or "", name))
        reading.warnings += [
            _("%(question)s: %(message)s") % {"question": shown, "message": warning}
            for warning in q.warnings
        ]
        reading.media.update(q.media)
        item["_label"], item["_category"] = shown, category
    if errors:
        raise BankImportError(errors)
    assign_keys(items, candidates)
    reading.questions = items
    return reading
