"""Our own JSON format ("facteur-questions"), which is also the shipped fixture.

An item is a plain dict (see fixtures/questions.json); the Moodle XML and GIFT
readers produce the same dicts, so that one validator and one writer serve
every format.
"""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quizapp.bank import specs

FORMAT_NAME = "facteur-questions"
COMMON_FIELDS = ("key", "type", "status", "topics", "difficulty", "text", "explanation")
SPEC_FIELDS = (
    "options",
    "answer",
    "accepted",
    "misconceptions",
    "misconception",
    "pairs",
    "distractors",
    "steps",
)


class BankImportError(Exception):
    """An import that must not happen; `errors` lists every reason, for the user."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def split_spec(item: dict) -> dict:
    """Return the type-specific part of an item, as stored in Question.spec."""
    return {name: item[name] for name in SPEC_FIELDS if name in item}


def misconception_tags(item: dict) -> set[str]:
    """Return the misconception slugs an item uses."""
    tags = {o.get("misconception") for o in item.get("options", [])}
    tags.add(item.get("misconception"))
    tags.update((item.get("misconceptions") or {}).values())
    return {t for t in tags if t}


def item_errors(
    item: dict, *, topics: set[str], anchors: dict[str, set[str]], misconceptions: set[str]
) -> list[str]:
    """Return what is wrong with one item (empty when it can be imported)."""
    missing = [name for name in COMMON_FIELDS if name not in item]
    if missing:
        return [_("missing field(s): %(fields)s") % {"fields": ", ".join(missing)}]
    errors = []
    if item["type"] not in specs.QuestionType.values:
        return [_("unsupported question type “%(type)s”") % {"type": item["type"]}]
    if not item["topics"] or not set(item["topics"]) <= topics:
        errors.append(_("unknown topic(s): %(topics)s") % {"topics": ", ".join(item["topics"])})
    section = item.get("section")
    if section and section not in anchors:
        errors.append(_("unknown course section “%(section)s”") % {"section": section})
    elif section and item.get("anchor") and item["anchor"] not in anchors[section]:
        errors.append(_("unknown paragraph “%(anchor)s”") % {"anchor": item["anchor"]})
    for field in ("text", "explanation"):
        if not isinstance(item[field], dict) or not str(item[field].get("fr", "")).strip():
            errors.append(_("“%(field)s” needs a French text") % {"field": field})
    if unknown := misconception_tags(item) - misconceptions:
        errors.append(_("undeclared misconception(s): %(tags)s") % {"tags": ", ".join(unknown)})
    try:
        specs.validate(item["type"], split_spec(item))
    except ValidationError as error:
        errors.extend(error.messages)
    return errors


def parse(text: str) -> dict:
    """Return the document {"misconceptions": [...], "questions": [...]} or raise."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BankImportError(
            [
                _("not valid JSON (line %(line)s): %(msg)s")
                % {"line": error.lineno, "msg": error.msg}
            ]
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        message = _("not a Facteur question file (format “%(f)s”)") % {"f": FORMAT_NAME}
        raise BankImportError([message])
    return {"misconceptions": data.get("misconceptions", []), "questions": data["questions"]}


def dump(questions: list[dict], misconceptions: list[dict]) -> str:
    """Return the JSON document for these items."""
    document = {
        "format": FORMAT_NAME,
        "version": 1,
        "misconceptions": misconceptions,
        "questions": questions,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
