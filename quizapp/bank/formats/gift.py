"""GIFT, Moodle's plain-text question format: write the bank and read it back.

Each question is written as Moodle writes GIFT, preceded by two comment lines:
``// [id:<key>] [tag:facteur-...] ...`` (Moodle keeps the idnumber and tags
when it imports the file; the tags are those of common.py) and
``// facteur: {json}``, the other language's texts and the item keys (Moodle
drops comments; we read them back). Texts are escaped (``\\~ \\= \\# \\{ \\}
\\: \\\\``, newlines as ``\\n``) and marked ``[markdown]``.

GIFT cannot express ordering questions, nor a matching pair whose left text
contains "->" or a short answer containing "->" (GIFT would read a matching
question): the writer leaves them out and names them in its summary.
Reading follows Moodle's own parser, so that a file made in Moodle reads the
same here; errors give the line where the question starts.
"""

import json
import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from quizapp.bank import answers
from quizapp.bank.formats.common import (
    Extras,
    FormatError,
    Reading,
    Skipped,
    Unsupported,
    UnsupportedType,
    assign_keys,
    feedback_text,
    finish,
    fractions,
    key_candidate,
    label,
    moodle_grade,
    number_text,
    option_key,
    payload,
    percent,
    short_tags,
    shown_text,
)
from quizapp.bank.formats.common import misconception_refs as refs_of
from quizapp.bank.formats.htmltext import html_to_text, split_languages
from quizapp.bank.native import BankImportError

CATEGORY_ROOT = "$course$/top/Facteur"
PAYLOAD_PREFIX = "// facteur:"
DECLARATIONS_PREFIX = "// facteur-misconceptions:"
ARROW = "->"
SPECIAL = "~=#{}:"
# While parsing, escaped characters stand in the Unicode private use area, so
# that splitting on "=", "~", "#"... never cuts an escaped one. "\n" is a newline.
ESCAPED = {**{char: char for char in SPECIAL}, "\\": "\\", "n": "\n"}
PLACEHOLDERS = {char: chr(0xE000 + i) for i, char in enumerate(ESCAPED)}
RESTORE = {PLACEHOLDERS[char]: value for char, value in ESCAPED.items()}
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
FORMATS = re.compile(r"^\[(html|moodle|plain|markdown)\]")
FULL = 99.99
IMAGE = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)""", re.IGNORECASE)


# Writing ------------------------------------------------------------------


def escape(text: str) -> str:
    """Return text with GIFT's reserved characters escaped, on one line."""
    text = text.replace("\\", "\\\\").replace("\r", "")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _weight(value: float) -> str:
    return f"%{percent(value)}%"


def _feedback(text: str) -> str:
    # Feedback is only shown by Moodle; an arrow there would make GIFT see a matching question.
    return "#" + escape(text.replace(ARROW, "→")) if text else ""


def _choices(item, lang, label) -> tuple[str, list[str]]:
    lines = []
    for option, fraction in zip(item["options"], fractions(item), strict=True):
        if item["type"] == "single":
            mark = "=" if option["correct"] else "~" + (_weight(fraction) if fraction else "")
        else:
            mark = "~" + _weight(fraction)
        text = escape(shown_text(option["text"], lang))
        lines.append(mark + text + _feedback(feedback_text(option, lang, label)))
    return "", lines


def _truefalse(item, lang, label) -> tuple[str, list[str]]:
    # Moodle reads TRUE#<feedback when wrong>#<feedback when right>.
    own, right = item.get("feedback", {}), "true" if item["answer"] else "false"
    wrong = "false" if item["answer"] else "true"
    wrong_text = shown_text(own[wrong], lang) if wrong in own else label(item.get("misconception"))
    right_text = shown_text(own[right], lang) if right in own else ""
    line = right.upper() + _feedback(wrong_text)
    if right_text:
        line += (_feedback(" ") if not wrong_text else "") + _feedback(right_text)
    return "", [line]


def _numerical(item, lang, label) -> tuple[str, list[str]]:
    lines = []
    for entry in answers.numeric_answers(item):
        value = f"{number_text(entry['value'])}:{number_text(entry.get('tolerance', 0))}"
        feedback = _feedback(feedback_text(entry, lang, label))
        lines.append(f"={_weight(100 * entry['fraction'])}{value}{feedback}")
    return "#", lines


def _short(item, lang, label) -> tuple[str, list[str]]:
    return "", [
        f"={_weight(100 * entry['fraction'])}{escape(entry['text'])}"
        + _feedback(feedback_text(entry, lang, label))
        for entry in answers.short_answers(item)
    ]


def _matching(item, lang, label) -> tuple[str, list[str]]:
    rows = [(shown_text(p["left"], lang), shown_text(p["right"], lang)) for p in item["pairs"]]
    rows += [("", shown_text(d["text"], lang)) for d in item.get("distractors", [])]
    return "", [f"={escape(left)} {ARROW} {escape(right)}" for left, right in rows]


WRITERS = {
    "single": _choices,
    "multiple": _choices,
    "truefalse": _truefalse,
    "port": _numerical,
    "numerical": _numerical,
    "short": _short,
    "matching": _matching,
}


def _reason(item: dict) -> str | None:
    if item["type"] not in WRITERS:
        return _("GIFT has no ordering questions")
    if item["type"] == "matching":
        lefts = [text for pair in item["pairs"] for text in pair["left"].values()]
        if any(ARROW in text for text in lefts):
            return _("a left-hand text contains “->”, which GIFT reads as its arrow")
    if item["type"] == "short" and item.get("usecase"):
        return _("GIFT has no case-sensitive short answers")
    if item["type"] == "short":
        texts = [entry["text"] for entry in answers.short_answers(item)]
        if any(ARROW in text for text in texts):
            return _("an answer contains “->”, which GIFT reads as a matching question")
    return None


def skipped(questions: list[dict]) -> list[Skipped]:
    """Return the items GIFT cannot express, with the reason."""
    return [Skipped(item["key"], reason) for item in questions if (reason := _reason(item))]


def _comments(item: dict, lang: str) -> list[str]:
    marks = [f"[id:{item['key']}]"]
    marks += ["[tag:" + text.replace("]", "\\]") + "]" for text in short_tags(item)]
    data = payload(item, lang)
    if item.get("hints"):  # GIFT has no hints: they travel in the payload only
        data["gift_hints"] = [shown_text(hint, lang) for hint in item["hints"]]
    data = json.dumps(data, ensure_ascii=False)
    return ["// " + " ".join(marks), f"{PAYLOAD_PREFIX} {data}"]


def _question(item: dict, lang: str, label) -> str:
    prefix, lines = WRITERS[item["type"]](item, lang, label)
    text = escape(shown_text(item["text"], lang))
    explanation = escape(shown_text(item["explanation"], lang))
    general = [f"####{explanation}"] if explanation else []  # Moodle's is optional
    body = "".join(f"\t{line}\n" for line in [*lines, *general])
    head = f"::{escape(item['key'])}::[markdown]{text}{{{prefix}\n"
    return "\n".join([*_comments(item, lang), head + body + "}"])


def write(questions: list[dict], misconceptions: list[dict], lang: str) -> tuple[str, list]:
    """Return the GIFT text of the items (texts in `lang`) and the items it left out."""
    labels = {m["slug"]: m["label"] for m in misconceptions}

    def label(slug: str | None) -> str:
        return shown_text(labels[slug], lang) if slug in labels else ""

    left_out = skipped(questions)
    excluded = {s.key for s in left_out}
    blocks, topic = [f"// Facteur question bank ({lang})"], None
    if misconceptions:
        used = {tag for q in questions if q["key"] not in excluded for tag in refs_of(q).values()}
        declared = [m for m in misconceptions if m["slug"] in used]
        blocks.append(f"{DECLARATIONS_PREFIX} {json.dumps(declared, ensure_ascii=False)}")
    for item in questions:
        if item["key"] in excluded:
            continue
        if item["topics"][0] != topic:  # one Moodle category per main topic
            topic = item["topics"][0]
            blocks.append(f"$CATEGORY: {CATEGORY_ROOT}/{topic}")
        blocks.append(_question(item, lang, label))
    return "\n\n".join(blocks) + "\n", left_out


# Reading ------------------------------------------------------------------


def _hide_escapes(text: str) -> str:
    return re.sub(r"\\([~=#{}:\\n])", lambda m: PLACEHOLDERS[m.group(1)], text)


def _restore(text: str) -> str:
    return "".join(RESTORE.get(char, char) for char in text.strip())


def _format(text: str, html: bool) -> tuple[str, bool]:
    """Return (text, is HTML) once a leading [html], [moodle]... marker is read off."""
    if match := FORMATS.match(text.strip()):
        return text.strip()[match.end() :], match.group(1) == "html"
    return text, html


def _texts(text: str, html: bool = False) -> dict:
    """Return {"fr", "en"?} of a piece of parsed text: markers read, escapes restored."""
    text, html = _format(text, html)
    text = _restore(text)
    return {
        # Escaped newlines are text (a transcript may end with one): no strip here.
        lang: html_to_text(value) if html else value
        for lang, value in split_languages(text).items()
    }


def _answer_and_feedback(answer: str) -> tuple[str, dict | None]:
    text, _sep, feedback = answer.partition("#")
    feedback_texts = _texts(feedback) if feedback.strip() else None
    return text, feedback_texts if feedback_texts and feedback_texts["fr"] else None


def _weighted(answer: str, default: float) -> tuple[float, str]:
    if match := WEIGHT.match(answer.strip()):
        return moodle_grade(float(match.group(1))), answer.strip()[match.end() :]
    return default, answer


def _parts(answertext: str, marker: str) -> list[str]:
    parts = [part.strip() for part in answertext.split(marker)]
    return parts[1:] if parts and not parts[0] else parts


def _read_choices(answertext: str, html: bool) -> tuple[dict, list]:
    parts = _parts(answertext.replace("=", "~="), "~")
    single = any(part.startswith("=") for part in parts)
    options = []
    for index, answer in enumerate(parts):
        if answer.startswith("="):
            fraction, answer = 100.0, answer[1:]
        else:
            fraction, answer = _weighted(answer, 0.0)
        text, feedback = _answer_and_feedback(answer)
        option = {
            "key": option_key(index),
            "text": _texts(text, html),
            "correct": fraction >= FULL if single else fraction > 0,
            "misconception": None,
        }
        if (single and 0 < fraction < FULL) or (not single and fraction):
            option["fraction"] = round(fraction / 100, 7)
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    return {"type": "single" if single else "multiple", "options": options}, []


def _read_truefalse(answertext: str, html: bool) -> tuple[dict, list]:
    word, *feedbacks = answertext.split("#")
    value = word.strip() in ("T", "TRUE")
    item = {"type": "truefalse", "answer": value, "misconception": None}
    # Moodle: the first feedback is shown to a wrong answer, the second to a right one.
    sides = ["false", "true"] if value else ["true", "false"]
    texts = {side: _texts(text) for side, text in zip(sides, feedbacks, strict=False)}
    if feedback := {side: t for side, t in texts.items() if t["fr"]}:
        item["feedback"] = feedback
    return item, []


def _graded(answertext: str):
    """Yield (credit, answer text, feedback) of `=`-marked answers."""
    for answer in _parts(answertext, "="):
        fraction, answer = _weighted(answer, 100.0)
        if fraction < 0:
            raise FormatError(_("a typed answer cannot be worth less than 0 %"))
        text, feedback = _answer_and_feedback(answer)
        yield round(fraction / 100, 7), text, feedback


def _entry(fraction: float, feedback: dict | None, **fields) -> dict:
    return {**fields, "fraction": fraction, **({"feedback": feedback} if feedback else {})}


def _read_short(answertext: str, html: bool) -> tuple[dict, list]:
    answers = [
        _entry(f, fb, text=_restore(_format(t, False)[0])) for f, t, fb in _graded(answertext)
    ]
    return {"type": "short", "answers": answers}, []


def _number(text: str) -> int | float:
    value = answers.parse_number(_restore(text))
    if value is None:
        raise FormatError(_("“%(value)s” is not a number") % {"value": _restore(text)})
    return int(value) if value.is_integer() else value


def _numeric_entry(text: str, fraction: float, feedback) -> dict:
    value, _colon, tolerance = text.strip().partition(":")
    low, dots, high = value.partition("..")
    if dots:
        return answers.range_answer(_number(low), _number(high), **_entry(fraction, feedback))
    margin = _number(tolerance) if tolerance.strip() else 0
    return _entry(fraction, feedback, value=_number(value), tolerance=abs(margin))


def _read_numerical(answertext: str, html: bool) -> tuple[dict, list]:
    body, _tilde, other = answertext[1:].partition("~")
    warnings = [_("the feedback for any other number is not kept")] if other.strip() else []
    if "=" not in body:
        text, feedback = _answer_and_feedback(body)
        return {"type": "numerical", "answers": [_numeric_entry(text, 1.0, feedback)]}, warnings
    entries = [_numeric_entry(text, f, fb) for f, text, fb in _graded(body)]
    return {"type": "numerical", "answers": entries}, warnings


def _read_matching(answertext: str, html: bool) -> tuple[dict, list]:
    pairs, distractors = [], []
    for answer in _parts(answertext, "="):
        if ARROW not in answer:
            raise FormatError(_("a matching answer needs “->” between its two sides"))
        left, _arrow, right = answer.partition(ARROW)
        left, right = _texts(left, html), _texts(right)
        if left["fr"]:
            pairs.append({"key": f"p{len(pairs) + 1}", "left": left, "right": right})
        else:
            distractors.append({"key": f"x{len(distractors) + 1}", "text": right})
    item = {"type": "matching", "pairs": pairs}
    if distractors:
        item["distractors"] = distractors
    return item, []


def _read_ordering(answertext: str, html: bool) -> tuple[dict, list]:
    # The ordering plugin's GIFT: ">N layout" on the first line, then the steps in order.
    lines = [line for line in answertext.splitlines()[1:] if line.strip()]
    steps = [{"key": f"s{n}", "text": _texts(line, html)} for n, line in enumerate(lines, 1)]
    return {"type": "ordering", "steps": steps}, []


def _answer_reader(answertext: str):
    """Return the reader of an answer block, in the order Moodle tells the types apart."""
    if answertext.startswith(">"):
        return _read_ordering
    if answertext.startswith("#"):
        return _read_numerical
    if "~" in answertext:
        return _read_choices
    if "=" in answertext and ARROW in answertext:
        return _read_matching
    if answertext.split("#", 1)[0].strip() in ("T", "TRUE", "F", "FALSE"):
        return _read_truefalse
    if "=" not in answertext:  # one right answer may omit its "="
        answertext = "=" + answertext
    return lambda _text, html: _read_short(answertext, html)


def _split_question(text: str) -> tuple[str, str, str]:
    """Return (title, question text, answer block) of an escaped question."""
    title = ""
    if text.startswith("::") and "::" in text[2:]:
        title, _sep, text = text[2:].partition("::")
        text = text.strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 and end < 0:
        raise UnsupportedType("description")
    if start < 0 or end < start:
        raise FormatError(_("its braces { } do not match"))
    after = text[end + 1 :]
    question = text[:start] + ("_____" + after if after.strip() else "")
    return _restore(title), question, text[start + 1 : end].strip()


def _read_question(text: str, extras: Extras) -> tuple[str, dict, list]:
    title, question, answertext = _split_question(text)
    if not answertext:
        raise UnsupportedType("essay")
    explanation = ""
    if "####" in answertext:
        answertext, _sep, explanation = answertext.rpartition("####")
        answertext = answertext.strip()
    question, html = _format(question, False)
    item, warnings = _answer_reader(answertext)(answertext, html)
    item["text"] = _texts(question, html)
    item["explanation"] = _texts(explanation, html)
    if extras.payload and extras.payload.get("gift_hints"):
        item["hints"] = [{"fr": hint} for hint in extras.payload["gift_hints"]]
    return title, finish(item, extras), warnings


def _comment_extras(comments: list[str]) -> tuple[Extras, str]:
    extras, idnumber = Extras(), ""
    for line in comments:
        if line.startswith(PAYLOAD_PREFIX):
            try:
                extras.payload = json.loads(line[len(PAYLOAD_PREFIX) :])
            except ValueError:
                extras.payload = {}  # reported as damaged by common.apply_payload
            continue
        for kind, value in re.findall(r"\[(id|tag):((?:\\\]|[^\]])+)\]", line):
            value = value.replace("\\]", "]").strip()
            if kind == "tag":
                extras.tags.append(value)
            elif not idnumber:
                idnumber = value
    return extras, idnumber


def _strip_comment(line: str) -> str:
    """Return a line without its trailing // comment (an escaped or URL // stays)."""
    return re.split(r"(?<![:\\])//", line, maxsplit=1)[0].rstrip() if "//" in line else line


def _blocks(text: str):
    """Yield (first line number, comment lines, question text) of each blank-line block."""
    start, lines, comments = 0, [], []
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        if not stripped:
            if lines or comments:
                yield start, comments, "\n".join(lines).strip()
            lines, comments = [], []
            continue
        if not lines and not comments:
            start = number
        if stripped.startswith("//"):
            comments.append(stripped)
        else:
            lines.append(_strip_comment(line))


def _declarations(comments: list[str]) -> list[dict]:
    for line in comments:
        if line.startswith(DECLARATIONS_PREFIX):
            try:
                found = json.loads(line[len(DECLARATIONS_PREFIX) :])
            except ValueError:
                message = _("the misconceptions declared by the file are damaged")
                raise BankImportError([message]) from None
            return found if isinstance(found, list) else []
    return []


def read(text: str, *, default_topics: Sequence[str] = ()) -> Reading:
    """Return what a GIFT file holds, or raise BankImportError.

    Descriptions and essays are skipped and listed; an error in any other
    question refuses the whole file.
    """
    reading, items, candidates, errors, category = Reading(), [], [], [], ""
    for line, comments, body in _blocks(text):
        reading.misconceptions += _declarations(comments)
        if body.startswith("$CATEGORY:"):
            category = body.removeprefix("$CATEGORY:").strip()
            continue
        if not body:
            continue
        escaped = _hide_escapes(body)
        extras, idnumber = _comment_extras(comments)
        name = escaped[2:].partition("::")[0] if escaped.startswith("::") else escaped[:60]
        shown = label(_restore(name), line=line)
        try:
            title, item, warnings = _read_question(escaped, extras)
        except UnsupportedType as unsupported:
            where = _("line %(line)s") % {"line": line}
            reading.skipped.append(Unsupported(_restore(name), unsupported.qtype, where))
            continue
        except FormatError as error:
            errors.append(_("%(question)s: %(message)s") % {"question": shown, "message": error})
            continue
        for src in IMAGE.findall(_restore(escaped)):
            warnings.append(
                _("its image %(src)s is not kept: GIFT carries no images") % {"src": src}
            )
        foreign = [t for t in extras.tags if not t.startswith("facteur-")]
        if foreign:
            warnings.append(_("its tags are not kept: %(tags)s") % {"tags": ", ".join(foreign)})
        reading.warnings += [
            _("%(question)s: %(message)s") % {"question": shown, "message": warning}
            for warning in warnings
        ]
        items.append(item)
        candidates.append(key_candidate(idnumber, title or item["text"]["fr"][:60]))
        item["_label"], item["_category"] = shown, category
    if errors:
        raise BankImportError(errors)
    assign_keys(items, candidates)
    reading.questions = items
    return reading
