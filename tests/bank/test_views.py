import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizapp.bank import formats
from quizapp.bank.models import Question
from tests.bank import samples
from tests.bank.conftest import native_bank

pytestmark = pytest.mark.django_db
PAGE = "/bank/import-export/"


def upload(content: bytes | str, name: str = "bank.json") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)


def sample_json(items=None) -> str:
    return formats.write("json", items or samples.items(), samples.misconceptions())[0]


@pytest.fixture
def trainer_client(client, trainer):
    client.force_login(trainer)
    return client


def test_it_shows_the_form_the_export_links_and_what_gift_leaves_out(trainer_client, sample_bank):
    response = trainer_client.get(PAGE)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert reverse("bank:export", kwargs={"format": "moodle", "lang": "en"}) in response.text
    gift = next(e for e in response.context["exports"] if e["name"] == "GIFT")
    assert [skipped.key for skipped in gift["skipped"]] == ["ordering-dialogue"]
    assert "<code>ordering-dialogue</code>" in response.text


@pytest.mark.parametrize("url", [PAGE, "/bank/export/json/fr/"])
def test_it_refuses_trainees(client, trainee, url):
    client.force_login(trainee)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


@pytest.mark.parametrize("url", [PAGE, "/bank/export/gift/en/"])
def test_it_sends_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_trainer_imports_a_file_and_sees_the_counts(trainer_client, make_course):
    make_course(sections=3)
    response = trainer_client.post("/en" + PAGE, {"file": upload(sample_json())}, follow=True)
    assert response.redirect_chain == [("/en" + PAGE, 302)]
    assert Question.objects.count() == len(samples.ITEMS)
    assert "Import done: 9 created, 0 replaced, 0 kept." in response.text


def test_an_import_without_replace_keeps_existing_questions(trainer_client, sample_bank):
    Question.objects.filter(key="tf-imap").update(text_fr="Édité")
    trainer_client.post(PAGE, {"file": upload(sample_json())})
    assert Question.objects.get(key="tf-imap").text_fr == "Édité"
    trainer_client.post(PAGE, {"file": upload(sample_json()), "replace": "on"})
    assert native_bank() == sample_bank


def test_a_foreign_file_gets_the_chosen_topic(trainer_client, make_course):
    make_course()
    gift = upload("::SMTP:: SMTP relaie.{T####Oui.}", "hand.txt")
    trainer_client.post(PAGE, {"file": gift, "format": "gift", "topic": "smtp-roles"})
    assert Question.objects.get(key="smtp").main_topic.slug == "smtp-roles"


def test_a_bad_file_gets_a_400_with_every_error_in_french_and_imports_nothing(
    trainer_client, make_course
):
    make_course()
    items = samples.items()
    items[0]["topics"], items[3]["status"] = ["nowhere"], "maybe"
    response = trainer_client.post(PAGE, {"file": upload(sample_json(items))})
    assert response.status_code == 400
    assert 'lang="fr"' in response.text
    assert "Aucune question importée." in response.text
    assert response.context["errors"][0].startswith("single-587: ")
    assert response.context["errors"][1].startswith("tf-imap: ")
    assert Question.objects.count() == 0


def test_the_errors_are_in_english_under_the_en_prefix(trainer_client, make_course):
    make_course()
    response = trainer_client.post("/en" + PAGE, {"file": upload("<quiz>", "q.xml")})
    assert response.status_code == 400
    assert "Nothing was imported." in response.text
    assert "the XML is not well-formed (line 1, column 6)" in response.text


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty.json"),
        (b"\xff\xfe\x00bad", "latin.txt"),
        (b"<quiz><question>", "broken.xml"),
        (b'<!DOCTYPE q [<!ENTITY a "a">]><quiz>&a;</quiz>', "bomb.xml"),
        (b"{ not json", "broken.json"),
        (b"just some words", "words.txt"),
        (b"x" * (2 * 1024 * 1024 + 1), "huge.txt"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_400_and_the_form_again(trainer_client, content, name):
    response = trainer_client.post(PAGE, {"file": upload(content, name)})
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert 'type="file"' in response.text
    assert Question.objects.count() == 0


def test_a_post_without_a_file_gets_a_400(trainer_client):
    assert trainer_client.post(PAGE, {}).status_code == 400


@pytest.mark.parametrize(("format", "lang"), [("json", "fr"), ("moodle", "en"), ("gift", "fr")])
def test_an_export_is_a_download_of_the_whole_bank(trainer_client, sample_bank, format, lang):
    response = trainer_client.get(reverse("bank:export", kwargs={"format": format, "lang": lang}))
    assert response.status_code == 200
    extension = formats.EXTENSIONS[format]
    assert response["Content-Disposition"] == (
        f'attachment; filename="facteur-questions-{lang}.{extension}"'
    )
    questions, _ = formats.read(response.content.decode())
    assert len(questions) == len(samples.ITEMS) - 2 * (format == "gift")


def test_the_gift_download_names_the_items_it_left_out_in_a_header(trainer_client, sample_bank):
    response = trainer_client.get("/bank/export/gift/fr/")
    assert response["X-Facteur-Left-Out"] == "ordering-dialogue"
    assert trainer_client.get("/bank/export/moodle/fr/")["X-Facteur-Left-Out"] == ""


@pytest.mark.parametrize("path", ["/bank/export/csv/fr/", "/bank/export/json/de/"])
def test_an_unknown_format_or_language_is_a_404(trainer_client, path):
    assert trainer_client.get(path).status_code == 404
