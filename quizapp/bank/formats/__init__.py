"""Readers and writers of question files: our JSON, Moodle XML and GIFT.

Every reader returns native item dicts (the JSON format's items, see
native.py) and every writer takes them, so that one validator
(services.import_questions) serves every format.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizapp.bank import native
from quizapp.bank.formats import gift, moodle
from quizapp.bank.formats.common import LANGS, Skipped
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

__all__ = ["FORMATS", "LANGS", "BankImportError", "Skipped", "decode", "read", "write"]


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
    if start.startswith("{"):
        return "json"
    if start.startswith("<") and "<quiz" in text[:4096]:
        return "moodle"
    return "gift"


def read(
    text: str, format: str | None = None, *, default_topics: Sequence[str] = ()
) -> tuple[list[dict], list[dict]]:
    """Return (questions, misconceptions) read from a file, or raise BankImportError.

    `default_topics` go to the items of a Moodle or GIFT file made elsewhere,
    which name no topic of ours.
    """
    format = format or guess_format(text)
    if format == "json":
        document = native.parse(text)
        return document["questions"], document["misconceptions"]
    if format == "moodle":
        return moodle.read(text, default_topics=default_topics)
    if format == "gift":
        return gift.read(text, default_topics=default_topics)
    raise BankImportError([_("Unknown format “%(format)s”.") % {"format": format}])


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
