"""Readers and writers of question files: our JSON, Moodle XML and GIFT.

Every reader returns native item dicts (the JSON format's items, see
native.py) and every writer takes them, so that one validator
(services.import_questions) serves every format.
"""

import json
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizapp.bank import native
from quizapp.bank.formats import gift, moodle
from quizapp.bank.formats.common import LANGS, Reading, Skipped, Unsupported
from quizapp.bank.native import BankImportError

FORMATS = {
    "json": gettext_lazy("Facteur JSON"),
    "moodle": gettext_lazy("Moodle XML"),
    "gift": gettext_lazy("GIFT"),
}
EXTENSIONS = {"json": "json", "moodle": "xml", "gift": "gift.txt"}
CONTENT_TYPES = {
    "json": "application/json",
    "moodle": "application/xml",
    "gift": "text/plain",
}
MAX_FILE_SIZE = 2 * 1024 * 1024

__all__ = [
    "FORMATS",
    "LANGS",
    "BankImportError",
    "Reading",
    "Skipped",
    "Unsupported",
    "decode",
    "read",
    "read_report",
    "write",
]


def decode(data: bytes) -> str:
    """Return the text of an uploaded file, or raise BankImportError (empty, not UTF-8...)."""
    if len(data) > MAX_FILE_SIZE:
        raise BankImportError([_("The file is larger than 2 MB.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = _("The file is not UTF-8 text (byte %(position)s).")
        raise BankImportError([message % {"position": error.start + 1}]) from None
    if not text.strip():
        raise BankImportError([_("The file is empty.")])
    return text


def guess_format(text: str) -> str:
    """Return the format of a file from its content: JSON object, Moodle XML, else GIFT."""
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("{") and _is_json_object(text):
        return "json"  # a GIFT question may start with "{" too ({=Asia} is the largest...)
    if start.startswith("<") and ("<quiz" in text[:4096] or "<question" in text[:4096]):
        return "moodle"
    return "gift"


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False


def read_report(
    text: str,
    format: str | None = None,
    *,
    default_topics: Sequence[str] = (),
    mapping: Mapping[str, tuple[str, str]] | None = None,
    strict: bool = False,
) -> Reading:
    """Return what a file holds, ready to import, or raise BankImportError.

    An item made elsewhere names no topic of ours: it gets the topic (and
    section) that `mapping` gives its Moodle category, else `default_topics`.
    With `strict`, a file holding a question Facteur cannot import is refused.
    """
    format = format or guess_format(text)
    if format == "json":
        document = native.parse(text)
        reading = Reading(questions=document["questions"])
        reading.misconceptions = document["misconceptions"]
        return reading
    if format not in ("moodle", "gift"):
        raise BankImportError([_("Unknown format “%(format)s”.") % {"format": format}])
    reading = (moodle if format == "moodle" else gift).read(text)
    if strict and reading.skipped:
        raise BankImportError([_unsupported_error(s) for s in reading.skipped])
    if not reading.questions and not reading.skipped:
        raise BankImportError([_("the file holds no question")])
    if not reading.questions:
        message = _("the file holds no question Facteur can import")
        raise BankImportError([message, *(_unsupported_error(s) for s in reading.skipped)])
    _place(reading, mapping or {}, list(default_topics))
    return reading


def _unsupported_error(skipped: Unsupported) -> str:
    message = _("the question “%(name)s” (%(where)s) is of type “%(type)s”, which Facteur lacks")
    return message % {"name": skipped.name[:60], "where": skipped.where, "type": skipped.type}


def _place(reading: Reading, mapping: Mapping[str, tuple[str, str]], default: list[str]) -> None:
    """Give foreign items the topic of their category; keep each item's label and category."""
    for item in reading.questions:
        key = item["key"]
        reading.labels[key] = item.pop("_label")
        reading.categories[key] = path = item.pop("_category")
        if not item.pop("foreign", False):
            continue
        reading.foreign.add(key)
        topic, section = mapping.get(path, ("", ""))
        item["topics"] = [topic] if topic else list(default)
        if section and not item.get("section"):
            item["section"] = section


def read(
    text: str, format: str | None = None, *, default_topics: Sequence[str] = ()
) -> tuple[list[dict], list[dict]]:
    """Return (questions, misconceptions) read from a file, or raise BankImportError."""
    reading = read_report(text, format, default_topics=default_topics)
    return reading.questions, reading.misconceptions


def skipped(format: str, questions: list[dict]) -> list[Skipped]:
    """Return the items `format` cannot express, each with the reason."""
    return gift.skipped(questions) if format == "gift" else []


def write(
    format: str, questions: list[dict], misconceptions: list[dict], lang: str = "fr"
) -> tuple[str, list[Skipped]]:
    """Return (file text, summary): the summary names every item the format left out."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    if format == "json":
        return native.dump(questions, misconceptions), []
    if format == "moodle":
        return moodle.write(questions, misconceptions, lang)
    if format == "gift":
        return gift.write(questions, misconceptions, lang)
    raise ValueError(f"unknown format {format!r}")
