"""What the Moodle XML and GIFT readers and writers share.

Both formats carry one language in their own fields. What they cannot say
travels with each question so that exporting then importing gives the same
items back:

- metadata as Moodle tags (survive a trip through Moodle itself, which keeps
  tags and the idnumber): ``facteur-status:published``,
  ``facteur-topic:<slug>`` (in order, the main topic first),
  ``facteur-difficulty:0.5``, ``facteur-section:<slug>``,
  ``facteur-anchor:<slug>``, ``facteur-source:RFC 6409 §3.1``,
  ``facteur-misconception:<slug>`` (a true/false item),
  ``facteur-misconception:<ref>:<slug>`` (ref = an option key, ``#<n>`` for
  the n-th typed answer of Moodle-shaped items, or the wrong
  port or text answer it names) and ``facteur-answer:<port>`` (only when the
  main port is not the first accepted one). Moodle cuts tags at 50
  characters: a longer one travels in the payload instead;
- the "payload": the other language's texts, keyed by field and item key
  (``text``, ``explanation``, ``options.a``, ``options.a.feedback``,
  ``answers.0.feedback``, ``feedback.true``, ``pairs.p1.left``,
  ``distractors.x1``, ``steps.s1``, ``hints.0``), in the order of the
  answers. The keys of options, pairs and steps come back from it,
  ``fallback`` lists the fields whose exported language was empty (the
  French text was written instead) and ``plain`` says the item had no Moodle
  weights, so its answers are read back in the plain shape.

The misconceptions an export uses are declared at the top of the file, so
that importing it into an empty bank re-creates them.

A question made elsewhere has none of this: its key comes from its idnumber
or name, its topics from the importer's default topics, it is imported as a
draft of average difficulty, and its texts are taken as French.
"""

import re
from dataclasses import dataclass, field

from django.utils.text import slugify
from django.utils.translation import gettext as _

from quizapp.bank.native import KEY_MAX_LENGTH, KEY_PATTERN

LANGS = ("fr", "en")
TAG_PREFIX = "facteur-"
FOREIGN_STATUS = "draft"


MAX_TAG_LENGTH = 50  # Moodle's TAG_MAX_LENGTH
# Moodle's grade menu (question_bank::fraction_options_full), in percent.
MOODLE_GRADES = (
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30,
    25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0,
)  # fmt: skip
PLAIN_SHAPES = ("single", "multiple", "short", "port")


class FormatError(Exception):
    """One question cannot be read; the message is for the user."""


class UnsupportedType(FormatError):
    """A question of a type Facteur does not have: skipped, and named in the report."""

    def __init__(self, qtype: str):
        super().__init__(qtype)
        self.qtype = qtype


@dataclass(frozen=True)
class Unsupported:
    """A question left out of an import, with where it was and why."""

    name: str
    type: str
    where: str


@dataclass
class Reading:
    """What a reader found: the items, what it skipped, and what it could not keep."""

    questions: list[dict] = field(default_factory=list)
    misconceptions: list[dict] = field(default_factory=list)
    skipped: list[Unsupported] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # key -> how the file names it
    categories: dict[str, str] = field(default_factory=dict)  # key -> Moodle category
    media: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    foreign: set[str] = field(default_factory=set)  # keys of items made elsewhere

    def category_paths(self) -> list[tuple[str, int]]:
        """Return each category of the file's foreign items, with how many it holds."""
        counts: dict[str, int] = {}
        for item in self.questions:
            if item["key"] in self.foreign:
                path = self.categories.get(item["key"], "")
                counts[path] = counts.get(path, 0) + 1
        return list(counts.items())

    def without_explanation(self) -> list[str]:
        """Return how the file names each item that has no general feedback."""
        return [
            self.labels.get(q["key"], q["key"])
            for q in self.questions
            if not q["explanation"].get("fr", "").strip()
        ]


def label(name: str, *, line: int | None = None, number: int | None = None) -> str:
    """Return how a message names a question: by its name and where it is in the file."""
    name = (name or "").strip()[:60] or _("(no name)")
    if line is not None:
        return _("the question “%(name)s” (line %(line)s)") % {"name": name, "line": line}
    return _("the question “%(name)s” (no. %(number)s)") % {"name": name, "number": number}


def moodle_grade(value: float) -> float:
    """Return the Moodle grade (in percent) nearest to `value`, sign kept."""
    nearest = min(MOODLE_GRADES, key=lambda grade: abs(grade - abs(value)))
    return nearest if value >= 0 else -nearest


def is_moodle_grade(value: float) -> bool:
    return abs(moodle_grade(value) - value) < 0.001


@dataclass(frozen=True)
class Skipped:
    """An item a format cannot express, left out of the export."""

    key: str
    reason: str


@dataclass
class Extras:
    """What a reader found besides the question itself."""

    tags: list[str] = field(default_factory=list)
    payload: dict | None = None
    wrong_answers: list[str] = field(default_factory=list)


def percent(value: float) -> str:
    """Return a grade as Moodle writes it: 100, 50, 33.33333, -25."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def partial_credit(fraction: float) -> FormatError:
    """Return the error for an answer worth part of the marks, which we cannot grade alike."""
    message = _("an answer worth %(fraction)s %% has no equivalent in Facteur")
    return FormatError(message % {"fraction": percent(fraction)})


def other_language(lang: str) -> str:
    """Return the language a file does not show (fr <-> en)."""
    return "en" if lang == "fr" else "fr"


def shown_text(value: dict, lang: str) -> str:
    """Return the text to write in `lang`, the French one when it is empty."""
    return value.get(lang) or value.get("fr", "")


def option_key(index: int) -> str:
    """Return the default key of the option at `index` (a, b, c...)."""
    return chr(ord("a") + index) if index < 26 else f"o{index + 1}"


def text_fields(item: dict) -> list[tuple[str, dict, str]]:
    """Return (name, container, field) for every bilingual text, in file order."""
    fields = [("text", item, "text"), ("explanation", item, "explanation")]
    for option in item.get("options", []):
        fields.append((f"options.{option['key']}", option, "text"))
        if option.get("feedback") is not None:
            fields.append((f"options.{option['key']}.feedback", option, "feedback"))
    for number, answer in enumerate(item.get("answers", [])):
        if answer.get("feedback") is not None:
            fields.append((f"answers.{number}.feedback", answer, "feedback"))
    for side in ("true", "false"):
        if side in item.get("feedback", {}):
            fields.append((f"feedback.{side}", item["feedback"], side))
    for pair in item.get("pairs", []):
        fields.append((f"pairs.{pair['key']}.left", pair, "left"))
        fields.append((f"pairs.{pair['key']}.right", pair, "right"))
    for extra in item.get("distractors", []):
        fields.append((f"distractors.{extra['key']}", extra, "text"))
    for step in item.get("steps", []):
        fields.append((f"steps.{step['key']}", step, "text"))
    for number in range(len(item.get("hints", []))):
        fields.append((f"hints.{number}", item["hints"], number))
    return fields


def payload(item: dict, lang: str) -> dict:
    """Return what restores the other language and the keys of an item shown in `lang`."""
    other = other_language(lang)
    texts, fallback = {}, []
    for name, container, name_field in text_fields(item):
        value = container[name_field]
        texts[name] = value.get(other, "")
        if not value.get(lang):
            fallback.append(name)
    data = {"lang": lang, "other": texts, "fallback": fallback}
    if item["type"] in PLAIN_SHAPES and is_plain(item):
        data["plain"] = True
    if long_tags := [t for t in tags(item) if len(t) > MAX_TAG_LENGTH]:
        data["tags"] = long_tags
    return data


def is_plain(item: dict) -> bool:
    """Return whether an item has none of the Moodle shapes (weights, ordered answers)."""
    return "answers" not in item and not any("fraction" in o for o in item.get("options", []))


def _split(name: str) -> tuple[str, str]:
    """Return (kind, key) of a payload name; a pair's kind says which side it is."""
    kind, _dot, rest = name.partition(".")
    if kind == "pairs":
        key, _dot, side = rest.rpartition(".")
        return f"pairs.{side}", key
    if rest.endswith(".feedback"):
        return f"{kind}.feedback", rest.removesuffix(".feedback")
    return kind, rest


def _is_feedback(name: str) -> bool:
    return _split(name)[0] in ("options.feedback", "answers.feedback", "feedback")


def _drop(container, name_field) -> None:
    del container[name_field]


def _payload_ok(data) -> bool:
    if not isinstance(data, dict) or data.get("lang") not in LANGS:
        return False
    texts, fallback = data.get("other"), data.get("fallback", [])
    return (
        isinstance(texts, dict)
        and all(isinstance(v, str) for v in texts.values())
        and isinstance(fallback, list)
    )


def _matched_fields(item: dict, names: list[str]) -> list[tuple]:
    """Pair the item's text fields with the payload names, in order.

    A feedback the file shows but the payload does not name is the label of a
    misconception that our writer put there: it is dropped, not imported.
    """
    matched, queue = [], list(names)
    for field_name, container, name_field in text_fields(item):
        kind = _split(field_name)[0]
        # Typed answers have no text of their own in the payload: match their number too.
        other = not queue or _split(queue[0])[0] != kind
        other = other or (kind == "answers.feedback" and queue[0] != field_name)
        if _is_feedback(field_name) and other:
            _drop(container, name_field)
            continue
        if not queue or _split(queue[0])[0] != kind:
            raise FormatError(_("its answers no longer match its Facteur data"))
        matched.append((container, name_field, queue.pop(0)))
    if queue:
        raise FormatError(_("its answers no longer match its Facteur data"))
    if "feedback" in item and not item["feedback"]:
        del item["feedback"]
    return matched


def apply_payload(item: dict, data) -> None:
    """Restore keys and both languages on an item read with its texts under "fr"."""
    if not _payload_ok(data):
        raise FormatError(_("its Facteur data is damaged"))
    lang, fallback = data["lang"], data.get("fallback", [])
    for container, name_field, name in _matched_fields(item, list(data["other"])):
        texts = {
            lang: "" if name in fallback else container[name_field]["fr"],
            other_language(lang): data["other"][name],
        }
        container[name_field] = {"fr": texts["fr"], "en": texts["en"]}
        if name_field in ("text", "left") and container is not item:
            container["key"] = _split(name)[1]
    for container in (item["text"], item["explanation"]):
        container.setdefault("en", "")


def to_plain(item: dict, extras: "Extras") -> None:
    """Read an exported plain item back in its plain shape (no weights, accepted lists)."""
    for option in item.get("options", []):
        option.pop("fraction", None)
    if "answers" not in item:
        return
    answers = item.pop("answers")
    if item["type"] == "numerical":
        item["type"] = "port"
        texts = [number_text(a["value"]) for a in answers]
    else:
        texts = [a["text"] for a in answers]
    right = [t for t, a in zip(texts, answers, strict=True) if a["fraction"] >= 1]
    item["accepted"] = [int(float(t)) for t in right] if item["type"] == "port" else right
    extras.wrong_answers = [t for t, a in zip(texts, answers, strict=True) if a["fraction"] <= 0]
    if not item.get("usecase"):
        item.pop("usecase", None)


def fractions(item: dict) -> list[float]:
    """Return the grade of each option in percent, as Moodle's grade menu has them."""
    single = item["type"] == "single"
    right = sum(bool(o["correct"]) for o in item["options"])
    wrong = len(item["options"]) - right
    grades = []
    for option in item["options"]:
        if ("fraction" in option and not option["correct"]) or (
            not single and "fraction" in option
        ):
            grades.append(100 * option["fraction"])
        elif option["correct"]:
            grades.append(100 if single else 100 / right)
        else:
            grades.append(0 if single or not wrong else -100 / wrong)
    return grades


def feedback_text(entry: dict, lang: str, label) -> str:
    """Return an answer's own feedback, else the label of its misconception."""
    if entry.get("feedback"):
        return shown_text(entry["feedback"], lang)
    return label(entry.get("misconception"))


def number_text(value: float) -> str:
    """Return a number as files write it: 25, 3.1415."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def misconception_refs(item: dict) -> dict[str, str]:
    """Return {reference: slug}; the reference of a true/false item's misconception is ""."""
    refs = {o["key"]: o.get("misconception") for o in item.get("options", [])}
    refs.update(item.get("misconceptions") or {})
    for number, answer in enumerate(item.get("answers", [])):
        refs[f"#{number}"] = answer.get("misconception")
    refs[""] = item.get("misconception")
    return {ref: slug for ref, slug in refs.items() if slug}


def tags(item: dict) -> list[str]:
    """Return our metadata as Moodle tag texts."""
    out = [f"{TAG_PREFIX}status:{item['status']}"]
    out += [f"{TAG_PREFIX}topic:{slug}" for slug in item["topics"]]
    out.append(f"{TAG_PREFIX}difficulty:{float(item['difficulty'])!r}")
    for name in ("section", "anchor", "source"):
        if item.get(name):
            out.append(f"{TAG_PREFIX}{name}:{item[name]}")
    for ref, slug in misconception_refs(item).items():
        named = f"{ref}:{slug}" if ref else slug
        out.append(f"{TAG_PREFIX}misconception:{named}")
    if item["type"] == "port" and item["accepted"][:1] != [item["answer"]]:
        out.append(f"{TAG_PREFIX}answer:{item['answer']}")
    return out


def short_tags(item: dict) -> list[str]:
    """Return the tags Moodle keeps whole (50 characters at most)."""
    return [text for text in tags(item) if len(text) <= MAX_TAG_LENGTH]


@dataclass
class Metadata:
    status: str = FOREIGN_STATUS
    topics: list[str] = field(default_factory=list)
    difficulty: float = 0.0
    section: str = ""
    anchor: str = ""
    source: str = ""
    refs: dict[str, str] = field(default_factory=dict)
    answer: int | None = None


def parse_tags(texts: list[str]) -> Metadata:
    """Return the metadata our tags carry; tags of other origins are ignored."""
    meta = Metadata()
    for text in texts:
        if not text.strip().startswith(TAG_PREFIX):
            continue
        name, _colon, value = text.strip().removeprefix(TAG_PREFIX).partition(":")
        if not value:
            continue
        if name == "topic":
            meta.topics.append(value)
        elif name in ("status", "section", "anchor", "source"):
            setattr(meta, name, value)
        elif name == "difficulty":
            meta.difficulty = _number(value, float, text)
        elif name == "answer":
            meta.answer = _number(value, int, text)
        elif name == "misconception":
            ref, _colon, slug = value.rpartition(":")
            meta.refs[ref] = slug
    return meta


def _number(value: str, kind, tag: str):
    try:
        return kind(value)
    except ValueError:
        raise FormatError(_("the tag “%(tag)s” needs a number") % {"tag": tag}) from None


def _apply_refs(item: dict, refs: dict[str, str], wrong_answers: list[str]) -> None:
    for option in item.get("options", []):
        option["misconception"] = refs.get(option["key"])
    if item["type"] == "truefalse":
        item["misconception"] = refs.get("")
    for number, answer in enumerate(item.get("answers", [])):
        if refs.get(f"#{number}"):  # typed answers are named by their position
            answer["misconception"] = refs[f"#{number}"]
    if item["type"] in ("port", "short") and "answers" not in item:
        mapping = {answer: refs[answer] for answer in wrong_answers if answer in refs}
        if mapping:
            item["misconceptions"] = mapping


def finish(item: dict, extras: Extras) -> dict:
    """Complete an item read with French texts and default keys: metadata, payload, refs.

    An item made elsewhere names no topic of ours: it is marked "foreign", and
    gets the topic chosen for its category when the import is prepared.
    """
    item.setdefault("explanation", {"fr": ""})
    if extras.payload is not None:
        apply_payload(item, extras.payload)
        if extras.payload.get("plain"):
            to_plain(item, extras)
    for value in _all_texts(item):
        value.setdefault("en", "")
    texts = extras.tags + list((extras.payload or {}).get("tags", []))
    meta = parse_tags(texts)
    item["status"] = meta.status
    item["topics"] = meta.topics
    if not meta.topics:
        item["foreign"] = True
    item["difficulty"] = meta.difficulty
    item.update(section=meta.section, anchor=meta.anchor, source=meta.source)
    if item["type"] == "port" and item["accepted"]:
        item["answer"] = meta.answer if meta.answer is not None else item["accepted"][0]
    _apply_refs(item, meta.refs, extras.wrong_answers)
    return item


def _all_texts(item: dict) -> list[dict]:
    return [container[name] for _n, container, name in text_fields(item)]


def key_candidate(idnumber: str, name: str) -> tuple[str, bool]:
    """Return (key, derived): the idnumber when it is a valid key, else a slug of the name."""
    idnumber = (idnumber or "").strip()
    if KEY_PATTERN.match(idnumber) and len(idnumber) <= KEY_MAX_LENGTH:
        return idnumber, False
    slug = re.sub(r"[-_]+", "-", slugify(name or "")).strip("-")[:KEY_MAX_LENGTH].strip("-")
    return slug, True


def assign_keys(items: list[dict], candidates: list[tuple[str, bool]]) -> None:
    """Give each item its key; derived keys get a -2, -3... suffix to stay unique."""
    taken = {key for key, derived in candidates if not derived}
    for number, (item, (key, derived)) in enumerate(zip(items, candidates, strict=True), 1):
        if derived:
            base = key or f"question-{number}"
            key, suffix = base, 2
            while key in taken:
                key = f"{base[: KEY_MAX_LENGTH - 4]}-{suffix}"
                suffix += 1
            taken.add(key)
        item["key"] = key
