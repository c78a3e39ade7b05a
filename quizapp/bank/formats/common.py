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
  ``facteur-misconception:<ref>:<slug>`` (ref = an option key, or the wrong
  port or text answer it names) and ``facteur-answer:<port>`` (only when the
  main port is not the first accepted one);
- the "payload": the other language's texts, keyed by field and item key
  (``text``, ``explanation``, ``options.a``, ``pairs.p1.left``,
  ``distractors.x1``, ``steps.s1``), in the order of the answers. The keys of
  options, pairs and steps come back from it, and ``fallback`` lists the
  fields whose exported language was empty (the French text was written
  instead).

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


class FormatError(Exception):
    """One question cannot be read; the message is for the user."""


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
    for pair in item.get("pairs", []):
        fields.append((f"pairs.{pair['key']}.left", pair, "left"))
        fields.append((f"pairs.{pair['key']}.right", pair, "right"))
    for extra in item.get("distractors", []):
        fields.append((f"distractors.{extra['key']}", extra, "text"))
    for step in item.get("steps", []):
        fields.append((f"steps.{step['key']}", step, "text"))
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
    return {"lang": lang, "other": texts, "fallback": fallback}


def _split(name: str) -> tuple[str, str]:
    """Return (kind, key) of a payload name; a pair's kind says which side it is."""
    kind, _dot, rest = name.partition(".")
    if kind == "pairs":
        key, _dot, side = rest.rpartition(".")
        return f"pairs.{side}", key
    return kind, rest


def _payload_ok(data) -> bool:
    if not isinstance(data, dict) or data.get("lang") not in LANGS:
        return False
    texts, fallback = data.get("other"), data.get("fallback", [])
    return (
        isinstance(texts, dict)
        and all(isinstance(v, str) for v in texts.values())
        and isinstance(fallback, list)
    )


def apply_payload(item: dict, data) -> None:
    """Restore keys and both languages on an item read with its texts under "fr"."""
    if not _payload_ok(data):
        raise FormatError(_("its Facteur data is damaged"))
    fields, names = text_fields(item), list(data["other"])
    if [_split(n)[0] for n, _c, _f in fields] != [_split(n)[0] for n in names]:
        raise FormatError(_("its answers no longer match its Facteur data"))
    lang, fallback = data["lang"], data.get("fallback", [])
    for (_old, container, name_field), name in zip(fields, names, strict=True):
        texts = {
            lang: "" if name in fallback else container[name_field]["fr"],
            other_language(lang): data["other"][name],
        }
        container[name_field] = {"fr": texts["fr"], "en": texts["en"]}
        if name_field in ("text", "left") and container is not item:
            container["key"] = _split(name)[1]
    for container in (item["text"], item["explanation"]):
        container.setdefault("en", "")


def misconception_refs(item: dict) -> dict[str, str]:
    """Return {reference: slug}; the reference of a true/false item's misconception is ""."""
    refs = {o["key"]: o.get("misconception") for o in item.get("options", [])}
    refs.update(item.get("misconceptions") or {})
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
    if item["type"] in ("port", "short"):
        mapping = {answer: refs[answer] for answer in wrong_answers if answer in refs}
        if mapping:
            item["misconceptions"] = mapping


def finish(item: dict, extras: Extras, default_topics: list[str]) -> dict:
    """Complete an item read with French texts and default keys: metadata, payload, refs."""
    item.setdefault("explanation", {"fr": ""})
    if extras.payload is not None:
        apply_payload(item, extras.payload)
    for value in _all_texts(item):
        value.setdefault("en", "")
    meta = parse_tags(extras.tags)
    item["status"] = meta.status
    item["topics"] = meta.topics or list(default_topics)
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
