import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from course.models import Section

pytestmark = pytest.mark.django_db


def test_it_shows_the_home_page_in_french_by_default(client, make_course):
    make_course()
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.text
    assert "Comment fonctionne un mail" in response.text


def test_it_suggests_the_first_unread_section(client, make_course):
    make_course(sections=3)
    client.get("/course/section-1/")
    response = client.get("/")
    assert response.context["next_section"].slug == "section-2"


def test_it_serves_english_under_the_en_prefix(client, make_course):
    make_course()
    response = client.get("/en/course/section-1/")
    assert 'lang="en"' in response.text
    assert "English text 1" in response.text


def test_it_falls_back_to_french_when_the_english_text_is_missing(client, make_course):
    make_course()
    Section.objects.filter(slug="section-2").update(body_en="", title_en="")
    response = client.get("/en/course/section-2/")
    assert response.status_code == 200
    assert "Texte en français 2" in response.text
    assert "Partie 2" in response.text


def test_it_links_previous_and_next_sections(client, make_course):
    make_course(sections=3)
    response = client.get("/course/section-2/")
    assert response.context["previous"].slug == "section-1"
    assert response.context["next"].slug == "section-3"
    assert 'rel="prev"' in response.text and 'rel="next"' in response.text


def test_it_gives_the_french_404_page_for_an_unknown_section(client, make_course):
    make_course()
    response = client.get("/course/no-such-section/")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_it_gives_the_english_404_page_under_the_en_prefix(client, make_course):
    make_course()
    response = client.get("/en/course/no-such-section/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_it_falls_back_to_french_for_an_unknown_language_cookie(client, make_course):
    make_course()
    client.cookies["django_language"] = "xx"
    response = client.get("/course/")
    assert 'lang="fr"' in response.text


def test_it_ignores_an_unknown_language_in_the_switcher(client, make_course):
    make_course()
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/course/"})
    assert response.status_code == 302
    assert 'lang="fr"' in client.get("/course/").text


def test_it_switches_to_english_with_the_language_form(client, make_course):
    make_course()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/course/"})
    assert response["Location"] == "/en/course/"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sections", [3, 12])
def test_a_section_page_costs_at_most_six_queries(client, trainee, make_course, sections):
    make_course(sections=sections)
    client.force_login(trainee)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/course/section-2/")
    assert response.status_code == 200
    # Six: the navigation's count of reviews due is one COUNT, whatever the course's size.
    assert len(queries) <= 6, [q["sql"] for q in queries]


def test_the_glossary_has_an_anchor_per_term(client, make_course):
    make_course()
    response = client.get("/course/glossary/")
    assert 'id="mta"' in response.text
    assert "RFC 5598" in response.text


def test_the_course_index_lists_sections_in_order(client, make_course):
    make_course(sections=3)
    response = client.get("/course/")
    titles = [s.title_fr for s in response.context["sections"]]
    assert titles == ["Partie 1", "Partie 2", "Partie 3"]


def test_a_visitor_can_read_the_course_without_an_account(client, make_course):
    make_course()
    assert client.get("/course/section-1/").status_code == 200


def test_the_home_page_says_so_when_no_course_is_loaded(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "load_course" in response.text
