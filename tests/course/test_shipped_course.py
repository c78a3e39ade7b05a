"""The course we ship: both languages, the same paragraphs, sources cited, links that resolve."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from course.loading import load_course
from course.models import GlossaryTerm, Section
from course.rendering import render_markdown

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def sections():
    report = load_course(source_dir=ROOT / "fixtures" / "course")
    assert report.created["sections"] == 7
    return list(Section.objects.all())


def ids(html: str) -> list[str]:
    return re.findall(r'<h2 id="([a-z0-9-]+)"', html)


def test_each_section_has_the_same_paragraphs_in_french_and_english(sections):
    for section in sections:
        french, english = (
            ids(render_markdown(section.body_fr)),
            ids(render_markdown(section.body_en)),
        )
        assert french and french == english, section.slug


def test_each_section_cites_the_rfcs_it_relies_on(sections):
    for section in sections:
        for body in (section.body_fr, section.body_en):
            assert "https://www.rfc-editor.org/rfc/rfc" in body, section.slug


def test_internal_links_point_at_terms_and_paragraphs_that_exist(sections):
    terms = set(GlossaryTerm.objects.values_list("slug", flat=True))
    anchors = {s.slug: set(ids(render_markdown(s.body_fr))) for s in sections}
    for section in sections:
        for body in (section.body_fr, section.body_en):
            assert set(re.findall(r"\]\(glossary:([a-z0-9-]+)\)", body)) <= terms
            for slug, anchor in re.findall(r"\]\(section:([a-z0-9-]+)#?([a-z0-9-]*)\)", body):
                assert slug in anchors and (not anchor or anchor in anchors[slug]), (slug, anchor)


def test_the_course_corrects_the_handout_on_port_587_and_starttls(sections):
    with translation.override("fr"):
        text = " ".join(s.body_fr for s in sections)
    assert "587" in text and "STARTTLS" in text and "STLS" in text
    assert "BODY.PEEK" in text and "DELE" in text


def test_loading_again_creates_nothing_and_keeps_admin_edits(sections):
    Section.objects.filter(slug="pop3").update(title_fr="Titre modifié")
    report = load_course(source_dir=ROOT / "fixtures" / "course")
    assert report.created == {}
    assert Section.objects.get(slug="pop3").title_fr == "Titre modifié"
