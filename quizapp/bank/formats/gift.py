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

from quizapp.bank.formats.common import (
    Extras,
    FormatError,
    Skipped,
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

CATEGORY_ROOT = "$course$/top/Facteur"
PAYLOAD_PREFIX = "// facteur:"
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
    right = sum(bool(o["correct"]) for o in item["options"])
    wrong = len(item["options"]) - right
    lines = []
    for option in item["options"]:
        if item["type"] == "single":
            mark = "=" if option["correct"] else "~"
        else:
            mark = "~" + _weight(100 / right if option["correct"] else -100 / wrong)
        text = escape(shown_text(option["text"], lang))
        lines.append(mark + text + _feedback(label(option.get("misconception"))))
    return "", lines


def _truefalse(item, lang, label) -> tuple[str, list[str]]:
    word = "TRUE" if item["answer"] else "FALSE"
    return "", [word + _feedback(label(item.get("misconception")))]


def _wrong_answers(item, label, suffix: str) -> list[str]:
    mapping = item.get("misconceptions") or {}
    return [f"={_weight(0)}{escape(w)}{suffix}{_feedback(label(s))}" for w, s in mapping.items()]


def _port(item, lang, label) -> tuple[str, list[str]]:
    lines = [f"={_weight(100)}{port}:0" for port in item["accepted"]]
    return "#", lines + _wrong_answers(item, label, ":0")


def _short(item, lang, label) -> tuple[str, list[str]]:
    lines = [f"={_weight(100)}{escape(text)}" for text in item["accepted"]]
    return "", lines + _wrong_answers(item, label, "")


def _matching(item, lang, label) -> tuple[str, list[str]]:
    rows = [(shown_text(p["left"], lang), shown_text(p["right"], lang)) for p in item["pairs"]]
    rows += [("", shown_text(d["text"], lang)) for d in item.get("distractors", [])]
    return "", [f"={escape(left)} {ARROW} {escape(right)}" for left, right in rows]


WRITERS = {
    "single": _choices,
    "multiple": _choices,
    "truefalse": _truefalse,
    "port": _port,
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
    if item["type"] == "short":
        answers = [*item["accepted"], *(item.get("misconceptions") or {})]
        if any(ARROW in text for text in answers):
            return _("an answer contains “->”, which GIFT reads as a matching question")
    return None


def skipped(questions: list[dict]) -> list[Skipped]:
    """Return the items GIFT cannot express, with the reason."""
    return [Skipped(item["key"], reason) for item in questions if (reason := _reason(item))]


def _comments(item: dict, lang: str) -> list[str]:
    marks = [f"[id:{item['key']}]"]
    marks += ["[tag:" + text.replace("]", "\\]") + "]" for text in tags(item)]
    data = json.dumps(payload(item, lang), ensure_ascii=False)
    return ["// " + " ".join(marks), f"{PAYLOAD_PREFIX} {data}"]


def _question(item: dict, lang: str, label) -> str:
    prefix, lines = WRITERS[item["type"]](item, lang, label)
    text = escape(shown_text(item["text"], lang))
    explanation = escape(shown_text(item["explanation"], lang))
    body = "".join(f"\t{line}\n" for line in [*lines, f"####{explanation}"])
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


def _clean(text: str, html: bool = False) -> str:
    """Return a piece of parsed text, trimmed, with its escaped characters restored."""
    text = "".join(RESTORE.get(char, char) for char in text.strip())
    return html_to_text(text) if html else text


def _split_feedback(answer: str) -> str:
    return answer.split("#", 1)[0]


def _weighted(answer: str, default: float) -> tuple[float, str]:
    if match := WEIGHT.match(answer):
        return float(match.group(1)), answer[match.end() :]
    return default, answer


def _parts(answertext: str, marker: str) -> list[str]:
    parts = [part.strip() for part in answertext.split(marker)]
    return parts[1:] if parts and not parts[0] else parts


def _read_choices(answertext: str, html: bool) -> tuple[dict, list]:
    single = "=" in answertext
    options = []
    for index, answer in enumerate(_parts(answertext.replace("=", "~="), "~")):
        if answer.startswith("="):
            fraction, answer = 100.0, answer[1:]
        else:
            fraction, answer = _weighted(answer, 0.0)
        if single and 0 < fraction < FULL:
            raise partial_credit(fraction)
        options.append(
            {
                "key": option_key(index),
                "text": {"fr": _clean(_split_feedback(answer), html)},
                "correct": fraction >= FULL if single else fraction > 0,
                "misconception": None,
            }
        )
    return {"type": "single" if single else "multiple", "options": options}, []


def _read_truefalse(answertext: str, html: bool) -> tuple[dict, list]:
    word = _split_feedback(answertext).strip()
    return {"type": "truefalse", "answer": word in ("T", "TRUE"), "misconception": None}, []


def _graded(answertext: str):
    for answer in _parts(answertext, "="):
        fraction, answer = _weighted(answer, 100.0)
        if 0 < fraction < FULL:
            raise partial_credit(fraction)
        yield fraction >= FULL, _split_feedback(answer).strip()


def _read_short(answertext: str, html: bool) -> tuple[dict, list]:
    accepted, wrong = [], []
    for right, answer in _graded(answertext):
        (accepted if right else wrong).append(_clean(answer))
    return {"type": "short", "accepted": accepted}, wrong


def _number(answer: str) -> int:
    value, _colon, tolerance = _clean(answer).partition(":")
    low, dots, high = value.partition("..")
    if dots and low.strip() != high.strip():
        raise FormatError(_("a range of numbers has no equivalent: list each accepted number"))
    try:
        number, margin = float(low), float(tolerance or 0)
    except ValueError:
        raise FormatError(_("“%(value)s” is not a number") % {"value": value}) from None
    if margin or not number.is_integer():
        raise FormatError(_("only whole numbers without tolerance can be imported"))
    return int(number)


def _read_port(answertext: str, html: bool) -> tuple[dict, list]:
    accepted, wrong = [], []
    for right, answer in _graded(answertext[1:].split("~", 1)[0]):
        (accepted if right else wrong).append(_number(answer))
    return {"type": "port", "accepted": accepted}, [str(port) for port in wrong]


def _read_matching(answertext: str, html: bool) -> tuple[dict, list]:
    pairs, distractors = [], []
    for answer in _parts(answertext, "="):
        if ARROW not in answer:
            raise FormatError(_("a matching answer needs “->” between its two sides"))
        left, _arrow, right = answer.partition(ARROW)
        left, right = _clean(left, html), _clean(right)
        if left:
            pairs.append(
                {"key": f"p{len(pairs) + 1}", "left": {"fr": left}, "right": {"fr": right}}
            )
        else:
            distractors.append({"key": f"x{len(distractors) + 1}", "text": {"fr": right}})
    item = {"type": "matching", "pairs": pairs}
    if distractors:
        item["distractors"] = distractors
    return item, []


def _answer_reader(answertext: str):
    """Return the reader of an answer block, in the order Moodle tells the types apart."""
    if answertext.startswith("#"):
        return _read_port
    if "~" in answertext:
        return _read_choices
    if "=" in answertext and ARROW in answertext:
        return _read_matching
    if _split_feedback(answertext).strip() in ("T", "TRUE", "F", "FALSE"):
        return _read_truefalse
    return _read_short


def _split_question(text: str) -> tuple[str, str, str]:
    """Return (title, question text, answer block) of an escaped question."""
    title = ""
    if text.startswith("::") and "::" in text[2:]:
        title, _sep, text = text[2:].partition("::")
        text = text.strip()
    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        raise FormatError(_("a text without answers (a description) is not a question"))
    if start < 0 or end < start:
        raise FormatError(_("its braces { } do not match"))
    after = text[end + 1 :]
    question = text[:start] + ("_____" + after if after.strip() else "")
    return _clean(title), question, text[start + 1 : end].strip()


def _read_question(text: str, extras: Extras, default_topics) -> tuple[str, dict]:
    title, question, answertext = _split_question(text)
    if not answertext:
        raise FormatError(_("an essay question (no answers) is not supported"))
    explanation = ""
    if "####" in answertext:
        answertext, _sep, explanation = answertext.rpartition("####")
        answertext = answertext.strip()
    html = False
    if match := FORMATS.match(question.strip()):
        html, question = match.group(1) == "html", question.strip()[match.end() :]
    item, extras.wrong_answers = _answer_reader(answertext)(answertext, html)
    item["text"] = {"fr": _clean(question, html)}
    item["explanation"] = {"fr": _clean(explanation, html)}
    return title, finish(item, extras, default_topics)


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
            lines.append(line)


def read(text: str, *, default_topics: Sequence[str] = ()) -> tuple[list[dict], list[dict]]:
    """Return (questions, misconceptions) of a GIFT file, or raise BankImportError."""
    items, candidates, errors = [], [], []
    for line, comments, body in _blocks(text):
        if not body or body.startswith("$CATEGORY:"):
            continue
        escaped = _hide_escapes(body)
        extras, idnumber = _comment_extras(comments)
        try:
            title, item = _read_question(escaped, extras, list(default_topics))
        except FormatError as error:
            errors.append(_("line %(line)s: %(message)s") % {"line": line, "message": error})
            continue
        items.append(item)
        candidates.append(key_candidate(idnumber, title or item["text"]["fr"][:60]))
    if errors:
        raise BankImportError(errors)
    if not items:
        raise BankImportError([_("the file holds no question")])
    assign_keys(items, candidates)
    return items, []
