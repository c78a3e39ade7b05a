"""What we export is what other tools read: gift-pegjs parses our GIFT, and our Moodle XML
has the structure Moodle's importer (question/format/xml/format.php) reads."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from quizapp.bank import formats
from quizapp.bank.formats.common import MAX_TAG_LENGTH, MOODLE_GRADES
from tests.bank import samples

ROOT = Path(__file__).resolve().parents[2]
PARSER = ROOT / "tests" / "bank" / "js" / "parse_gift.js"
GIFT_TYPES = {
    "single": "MC",
    "multiple": "MC",
    "truefalse": "TF",
    "port": "Numerical",
    "numerical": "Numerical",
    "short": "Short",
    "matching": "Matching",
}


def shipped() -> tuple[list[dict], list[dict]]:
    document = json.loads((ROOT / "fixtures" / "questions.json").read_text(encoding="utf-8"))
    return document["questions"], document["misconceptions"]


def gift_pegjs(text: str) -> dict:
    node = shutil.which("node")
    assert node, "Node.js is needed to run gift-pegjs (make test installs it)"
    result = subprocess.run(
        [node, str(PARSER)], input=text, capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_gift_pegjs_parses_our_gift_export_of_the_shipped_bank(lang):
    questions, misconceptions = shipped()
    text, left_out = formats.write("gift", questions, misconceptions, lang)
    parsed = gift_pegjs(text)
    assert parsed["ok"], parsed
    exported = [q for q in questions if q["key"] not in {s.key for s in left_out}]
    assert [q["title"] for q in parsed["questions"]] == [q["key"] for q in exported]
    assert [q["type"] for q in parsed["questions"]] == [GIFT_TYPES[q["type"]] for q in exported]


def test_gift_pegjs_reads_our_weights_and_per_answer_feedback():
    text, _left_out = formats.write("gift", samples.items(), samples.misconceptions(), "fr")
    parsed = {q["title"]: q for q in gift_pegjs(text)["questions"]}
    assert parsed["multiple-weighted"]["weights"] == [90, 10, -100]
    assert parsed["single-partial"]["weights"] == [None, 50, None]
    assert parsed["single-partial"]["feedback"][:2] == [
        "Oui : la soumission.",
        "À moitié : TLS implicite.",
    ]
    assert parsed["numerical-year"]["type"] == "Numerical"
    assert parsed["short-wildcard"]["type"] == "Short"


# What Moodle's XML importer reads, per question type (format.php import_* methods).
MOODLE_QUESTION_TYPES = {
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "ordering",
}
ORDERING_FIELDS = {"layouttype", "selecttype", "selectcount", "gradingtype", "showgrading"}


def _grade_ok(raw: str) -> bool:
    value = float(raw)
    return any(abs(abs(value) - grade) < 0.00001 for grade in MOODLE_GRADES)


def moodle_structure_errors(text: str) -> list[str]:
    """Return where our XML departs from what Moodle's importer expects (empty: none)."""
    errors = []
    root = SafeET.fromstring(text)
    if root.tag != "quiz":
        return ["the root is not <quiz>"]
    for q in root.findall("question"):
        qtype = q.get("type")
        if qtype == "category":
            if not (q.findtext("category/text") or "").startswith("$course$/"):
                errors.append("a category path must start with $course$/")
            continue
        name = q.findtext("name/text") or "?"
        if qtype not in MOODLE_QUESTION_TYPES:
            errors.append(f"{name}: type {qtype} is not a Moodle core type")
        if q.find("questiontext/text") is None or q.find("questiontext").get("format") is None:
            errors.append(f"{name}: questiontext needs a format and a text")
        if len(q.findtext("idnumber") or "") > 100:
            errors.append(f"{name}: idnumber longer than 100")
        for tag in q.findall("tags/tag/text"):
            if len(tag.text or "") > MAX_TAG_LENGTH:
                errors.append(f"{name}: tag longer than 50: {tag.text}")
        answers = q.findall("answer")
        if qtype == "ordering":
            if not {child.tag for child in q} >= ORDERING_FIELDS:
                errors.append(f"{name}: the ordering plugin's settings are missing")
            positions = [a.get("fraction") for a in answers]
            if positions != [str(n) for n in range(1, len(answers) + 1)]:
                errors.append(f"{name}: ordering answers must be numbered 1..n")
            continue
        if qtype != "matching" and not all(_grade_ok(a.get("fraction", "x")) for a in answers):
            errors.append(f"{name}: a fraction is not in Moodle's grade list")
        if qtype == "multichoice":
            if q.findtext("single") not in ("true", "false"):
                errors.append(f"{name}: <single> must be true or false")
            if q.findtext("single") == "false":
                positive = sum(
                    float(a.get("fraction")) for a in answers if float(a.get("fraction")) > 0
                )
                if abs(positive - 100) > 0.01:
                    errors.append(f"{name}: right answers must add up to 100 %")
        if qtype == "truefalse" and sorted(a.findtext("text") for a in answers) != [
            "false",
            "true",
        ]:
            errors.append(f"{name}: a true/false question has the answers true and false")
        if qtype == "numerical" and not all(a.find("tolerance") is not None for a in answers):
            errors.append(f"{name}: a numerical answer needs its tolerance")
        if qtype == "shortanswer" and q.findtext("usecase") not in ("0", "1"):
            errors.append(f"{name}: usecase must be 0 or 1")
        if (
            qtype == "matching"
            and len([s for s in q.findall("subquestion") if s.findtext("text")]) < 2
        ):
            errors.append(f"{name}: a matching question needs two subquestions")
    return errors


def test_our_moodle_xml_of_the_shipped_bank_has_the_structure_moodle_reads():
    questions, misconceptions = shipped()
    text, _left_out = formats.write("moodle", questions, misconceptions, "fr")
    assert moodle_structure_errors(text) == []
    assert len(SafeET.fromstring(text).findall("question[@type!='category']")) >= 0


def test_our_moodle_xml_of_every_shape_has_the_structure_moodle_reads():
    text, _left_out = formats.write("moodle", samples.items(), samples.misconceptions(), "en")
    assert moodle_structure_errors(text) == []


def test_the_structural_check_catches_what_moodle_would_not_read():
    broken = (
        '<quiz><question type="multichoice"><name><text>Q</text></name>'
        '<questiontext format="html"><text>?</text></questiontext><single>false</single>'
        '<answer fraction="33"><text>a</text></answer><answer fraction="50"><text>b</text></answer>'
        "<tags><tag><text>" + "x" * 51 + "</text></tag></tags></question></quiz>"
    )
    errors = moodle_structure_errors(broken)
    assert "Q: a fraction is not in Moodle's grade list" in errors
    assert "Q: right answers must add up to 100 %" in errors
    assert any("tag longer than 50" in error for error in errors)


def test_every_tag_of_the_shipped_bank_fits_moodle_and_long_ones_travel_in_the_payload():
    questions, misconceptions = shipped()
    text, _left_out = formats.write("moodle", questions, misconceptions, "fr")
    root = SafeET.fromstring(text)
    tags = [t.text for t in root.iterfind("question/tags/tag/text")]
    assert tags and all(len(t) <= MAX_TAG_LENGTH for t in tags)
    assert formats.read(text)[0] == questions
