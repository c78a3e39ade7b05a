import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizapp.bank import formats
from quizapp.bank.models import CategoryMapping, Media, PendingImport, Question
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
    assert [skipped.key for skipped in gift["skipped"]] == ["ordering-dialogue", "short-case"]
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


def send(client, content, name="bank.json", prefix="", mapping=None, **fields):
    """Send a file, then confirm the preview as shown; return the final response."""
    response = client.post(prefix + PAGE, {"file": upload(content, name), **fields})
    assert response.status_code == 302, response.content[:2000]
    preview = client.get(response["Location"])
    if mapping:  # choose the topics, look at the report again
        preview = client.post(response["Location"], {"preview": "", **mapping})
    data = {"digest": preview.context["digest"], "confirm": "", **(mapping or {})}
    return client.post(response["Location"], data, follow=True)


def test_a_trainer_sees_the_report_then_imports_and_sees_the_counts(trainer_client, make_course):
    make_course(sections=3)
    response = trainer_client.post("/en" + PAGE, {"file": upload(sample_json())})
    preview = trainer_client.get(response["Location"])
    assert preview.status_code == 200
    assert Question.objects.count() == 0  # nothing before the confirmation
    assert len(preview.context["report"]["created"]) == len(samples.ITEMS)
    data = {"digest": preview.context["digest"], "confirm": ""}
    done = trainer_client.post(response["Location"], data, follow=True)
    assert done.redirect_chain == [("/en" + PAGE, 302)]
    assert Question.objects.count() == len(samples.ITEMS)
    assert f"Import done: {len(samples.ITEMS)} created, 0 replaced, 0 kept, 0 skipped." in done.text
    assert not PendingImport.objects.exists()


def test_an_import_without_replace_keeps_existing_questions(trainer_client, sample_bank):
    Question.objects.filter(key="tf-imap").update(text_fr="Édité")
    send(trainer_client, sample_json())
    assert Question.objects.get(key="tf-imap").text_fr == "Édité"
    send(trainer_client, sample_json(), replace="on")
    assert native_bank() == sample_bank


FOREIGN_GIFT = """$CATEGORY: $course$/top/Relais

::SMTP:: SMTP relaie.{T}

::Essai:: Décrivez SMTP.{}

::Port:: Quel port ?{#=587 =%50%465:0}
"""


def test_a_foreign_file_shows_its_categories_skips_and_gaps_before_anything_is_imported(
    trainer_client, make_course
):
    make_course()
    response = trainer_client.post("/en" + PAGE, {"file": upload(FOREIGN_GIFT, "hand.txt")})
    preview = trainer_client.get(response["Location"])
    assert preview.status_code == 200
    assert "$course$/top/Relais" in preview.text
    assert "Essai" in preview.text and "essay" in preview.text and "line 5" in preview.text
    assert "no general feedback" in preview.text
    assert len(preview.context["report"]["waiting"]) == 2  # a topic to choose first
    assert "2 questions wait for a topic" in preview.text
    assert Question.objects.count() == 0


def test_the_chosen_topic_is_used_and_remembered_for_the_next_import(trainer_client, make_course):
    make_course()
    mapping = {"topic-0": "smtp-roles", "section-0": "section-2"}
    send(trainer_client, FOREIGN_GIFT, "hand.txt", mapping=mapping)
    question = Question.objects.get(key="smtp")
    assert question.main_topic.slug == "smtp-roles" and question.section.slug == "section-2"
    assert Question.objects.get(key="port").spec["answers"][1]["fraction"] == 0.5
    remembered = CategoryMapping.objects.get(path="$course$/top/Relais")
    assert remembered.topic.slug == "smtp-roles"
    response = trainer_client.post(PAGE, {"file": upload(FOREIGN_GIFT, "again.txt")})
    preview = trainer_client.get(response["Location"])
    assert preview.context["form"]["topic-0"].initial == "smtp-roles"
    assert preview.context["report"]["errors"] == [] and preview.context["report"]["waiting"] == []


def test_a_confirmation_that_no_longer_matches_the_report_imports_nothing(
    trainer_client, make_course
):
    make_course()
    response = trainer_client.post(PAGE, {"file": upload(FOREIGN_GIFT, "hand.txt")})
    preview = trainer_client.get(response["Location"])
    data = {"digest": preview.context["digest"], "confirm": "", "topic-0": "smtp-roles"}
    changed = trainer_client.post(response["Location"], data)
    assert changed.status_code == 409  # the trainer changed the topic without looking again
    assert Question.objects.count() == 0
    data["digest"] = changed.context["digest"]
    assert trainer_client.post(response["Location"], data).status_code == 302
    assert Question.objects.count() == 2


def test_strict_refuses_a_file_with_a_question_facteur_lacks(trainer_client, make_course):
    make_course()
    response = trainer_client.post(PAGE, {"file": upload(FOREIGN_GIFT, "h.txt"), "strict": "on"})
    assert response.status_code == 400
    assert "Essai" in response.context["errors"][0]
    assert not PendingImport.objects.exists()


def test_a_file_waiting_for_confirmation_is_only_its_senders(
    client, trainer, other_trainer, make_course
):
    make_course()
    client.force_login(trainer)
    location = client.post(PAGE, {"file": upload(FOREIGN_GIFT, "h.txt")})["Location"]
    client.force_login(other_trainer)
    assert client.get(location).status_code == 404
    assert client.post(location, {"confirm": ""}).status_code == 404


@pytest.mark.parametrize("persona", ["trainee", "visitor"])
def test_the_preview_refuses_trainees_and_visitors(client, trainer, trainee, persona, make_course):
    make_course()
    pending = PendingImport.objects.create(trainer=trainer, filename="x", text=FOREIGN_GIFT)
    if persona == "trainee":
        client.force_login(trainee)
    expected = 403 if persona == "trainee" else 302
    assert client.get(f"/bank/import/{pending.pk}/").status_code == expected


def test_an_imported_image_is_served_with_its_type_and_a_wrong_extension_is_a_404(client, db):
    media = Media.objects.create(
        sha256="ab" * 32, content_type="image/png", name="a.png", data=b"\x89PNG"
    )
    response = client.get(f"/media/questions/{'ab' * 32}.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/media/questions/{media.sha256}.svg").status_code == 404
    assert client.get(f"/media/questions/{'cd' * 32}.png").status_code == 404


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
    assert response["X-Facteur-Left-Out"] == "ordering-dialogue,short-case"
    assert trainer_client.get("/bank/export/moodle/fr/")["X-Facteur-Left-Out"] == ""


@pytest.mark.parametrize("path", ["/bank/export/csv/fr/", "/bank/export/json/de/"])
def test_an_unknown_format_or_language_is_a_404(trainer_client, path):
    assert trainer_client.get(path).status_code == 404


def test_a_second_confirmation_of_the_same_file_imports_nothing_more(trainer, make_course):
    from quizapp.bank import services

    make_course()
    pending = PendingImport.objects.create(trainer=trainer, filename="x.json", text=sample_json())
    reading = services.read_pending(pending, {})
    stale = PendingImport.objects.get(pk=pending.pk)  # what the second tab still holds
    assert services.confirm_import(pending=pending, reading=reading, mapping={})["created"] > 0
    assert services.confirm_import(pending=stale, reading=reading, mapping={}) is None
    assert Question.objects.count() == len(samples.ITEMS)
