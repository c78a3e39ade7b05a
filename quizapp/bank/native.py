"""Our own JSON format ("facteur-questions"), which is also the shipped fixture.

An item is a plain dict (see fixtures/questions.json); the Moodle XML and GIFT
readers produce the same dicts, so that one validator and one writer serve
every format.
"""

import json
import math
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quizapp.bank import specs

FORMAT_NAME = "facteur-questions"
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_MAX_LENGTH = 80
SOURCE_MAX_LENGTH = 120
STATUSES = ("published", "draft")
LABEL_MAX_LENGTH = 200
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
    "answers",
    "usecase",
    "feedback",
    "hints",
)


class BankImportError(Exception):
    """An import that must not happen; `errors` lists every reason, for the user."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def split_spec(item: dict) -> dict:
    """Return the type-specific part of an item, as stored in Question.spec."""
    return {name: item[name] for name in SPEC_FIELDS if name in item}


def _misconception_refs(item: dict) -> list:
    """Return every value that should name a misconception (slug or None), unchecked."""
    options = item.get("options")
    options = options if isinstance(options, list) else []
    refs = [o.get("misconception") for o in options if isinstance(o, dict)]
    refs.append(item.get("misconception"))
    answers = item.get("answers")
    answers = answers if isinstance(answers, list) else []
    refs.extend(a.get("misconception") for a in answers if isinstance(a, dict))
    mapping = item.get("misconceptions") or {}
    # A mapping that is not a dict cannot name anything: report it as a bad reference.
    refs.extend(mapping.values() if isinstance(mapping, dict) else [mapping])
    return refs


def misconception_tags(item: dict) -> set[str]:
    """Return the misconception slugs an item uses."""
    return {t for t in _misconception_refs(item) if isinstance(t, str) and t}


def _field_type_errors(item: dict) -> list[str]:
    """Return the errors of fields whose type or shape is wrong (a bad file, not a typo)."""
    errors = []
    key = item["key"]
    if not isinstance(key, str) or not KEY_PATTERN.match(key) or len(key) > KEY_MAX_LENGTH:
        errors.append(_("the key must be lowercase letters, digits and hyphens (80 at most)"))
    if item["status"] not in STATUSES:
        errors.append(_("the status must be “published” or “draft”"))
    difficulty = item["difficulty"]
    number = isinstance(difficulty, int | float) and not isinstance(difficulty, bool)
    if not number or not math.isfinite(difficulty):
        errors.append(_("the difficulty must be a number"))
    for name in ("section", "anchor", "source"):
        if not isinstance(item.get(name, ""), str):
            errors.append(_("“%(field)s” must be a text") % {"field": name})
    if isinstance(item.get("source"), str) and len(item["source"]) > SOURCE_MAX_LENGTH:
        errors.append(_("the source is longer than 120 characters"))
    topics = item["topics"]
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        errors.append(_("“topics” must be a list of topic slugs"))
    for field in ("text", "explanation"):
        value = item[field]
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            errors.append(_("“%(field)s” must map languages to texts") % {"field": field})
    return errors


def item_errors(
    item: dict, *, topics: set[str], anchors: dict[str, set[str]], misconceptions: set[str]
) -> list[str]:
    """Return what is wrong with one item (empty when it can be imported)."""
    if not isinstance(item, dict):
        return [_("a question must be an object")]
    missing = [name for name in COMMON_FIELDS if name not in item]
    if missing:
        return [_("missing field(s): %(fields)s") % {"fields": ", ".join(missing)}]
    if item["type"] not in specs.QuestionType.values:
        return [_("unsupported question type “%(type)s”") % {"type": item["type"]}]
    if errors := _field_type_errors(item):
        return errors
    if not item["topics"]:
        errors.append(_("it has no topic: choose one for its category"))
    elif not set(item["topics"]) <= topics:
        unknown = [t for t in item["topics"] if t not in topics]
        errors.append(_("unknown topic(s): %(topics)s") % {"topics": ", ".join(unknown)})
    section = item.get("section")
    if section and section not in anchors:
        errors.append(_("unknown course section “%(section)s”") % {"section": section})
    elif section and item.get("anchor") and item["anchor"] not in anchors[section]:
        errors.append(_("unknown paragraph “%(anchor)s”") % {"anchor": item["anchor"]})
    elif item.get("anchor") and not section:
        errors.append(_("a paragraph anchor needs its course section"))
    if not str(item["text"].get("fr", "")).strip():
        errors.append(_("it has no question text"))
    try:
        specs.validate(item["type"], split_spec(item))
    except ValidationError as error:
        errors.extend(error.messages)
        return errors
    if not all(ref is None or isinstance(ref, str) for ref in _misconception_refs(item)):
        errors.append(_("a misconception must be named by its slug"))
    elif unknown := sorted(misconception_tags(item) - misconceptions):
        errors.append(_("undeclared misconception(s): %(tags)s") % {"tags": ", ".join(unknown)})
    return errors


def misconception_errors(misconceptions: list) -> list[str]:
    """Return what is wrong with the declared misconceptions (each needs a slug and labels)."""
    errors = []
    for number, entry in enumerate(misconceptions, start=1):
        slug = entry.get("slug") if isinstance(entry, dict) else None
        label = entry.get("label") if isinstance(entry, dict) else None
        slug_ok = isinstance(slug, str) and KEY_PATTERN.match(slug) and len(slug) <= 50
        label_ok = isinstance(label, dict) and all(
            isinstance(v, str) and len(v) <= LABEL_MAX_LENGTH for v in label.values()
        )
        if not (slug_ok and label_ok and str(label.get("fr", "")).strip()):
            name = slug if isinstance(slug, str) and slug else f"#{number}"
            message = _("misconception %(name)s: it needs a slug and a short French label")
            errors.append(message % {"name": name})
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
    except RecursionError:
        raise BankImportError([_("not valid JSON: nested too deeply")]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        message = _("not a Facteur question file (format “%(f)s”)") % {"f": FORMAT_NAME}
        raise BankImportError([message])
    questions, misconceptions = data.get("questions"), data.get("misconceptions", [])
    if not isinstance(questions, list) or not isinstance(misconceptions, list):
        raise BankImportError([_("“questions” and “misconceptions” must be lists")])
    return {"misconceptions": misconceptions, "questions": questions}


def dump(questions: list[dict], misconceptions: list[dict]) -> str:
    """Return the JSON document for these items."""
    document = {
        "format": FORMAT_NAME,
        "version": 1,
        "misconceptions": misconceptions,
        "questions": questions,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
