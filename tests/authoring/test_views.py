"""Trainer question pages: list, preview as trainees see it, publish one or many, edit."""

import pytest
from django.urls import reverse
from django.utils import translation

from quizapp.authoring.models import QuestionLog
from quizapp.bank.models import Question
from quizapp.practice.models import Answer

with translation.override("en"):  # the tests read English; French lives unprefixed
    LIST = reverse("authoring:list")
    BULK = reverse("authoring:bulk_status")


def preview_url(question, **query):
    url = reverse("authoring:preview", kwargs={"pk": question.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def drafts(make_question):
    return [make_question(f"draft-{n}", status=Question.Status.DRAFT) for n in range(3)]


@pytest.fixture
def logged_in(client, trainer):
    client.force_login(trainer)
    return client


def test_the_list_shows_drafts_first_and_counts_them(logged_in, drafts, make_question):
    make_question("live")
    response = logged_in.get(LIST)
    keys = [q.key for q in response.context["page"].object_list]
    assert keys == ["draft-0", "draft-1", "draft-2", "live"]
    assert response.context["draft_count"] == 3
    assert "3 drafts wait to be published" in response.text


def test_the_list_filters_by_status_and_text(logged_in, drafts, make_question):
    make_question("live")
    published = logged_in.get(LIST, {"status": "published"}).context["page"].object_list
    assert [q.key for q in published] == ["live"]
    found = logged_in.get(LIST, {"q": "draft-1"}).context["page"].object_list
    assert [q.key for q in found] == ["draft-1"]


def test_bulk_publish_publishes_the_ticked_ones_and_logs_each(logged_in, trainer, drafts):
    picked = [drafts[0].pk, drafts[2].pk]
    response = logged_in.post(BULK, {"question": picked, "status": "published", "next": LIST})
    assert response.status_code == 302
    statuses = dict(Question.objects.values_list("key", "status"))
    assert statuses == {"draft-0": "published", "draft-1": "draft", "draft-2": "published"}
    log = QuestionLog.objects.filter(action="published", user=trainer)
    assert sorted(log.values_list("question_id", flat=True)) == sorted(picked)


def test_publishing_twice_logs_once(logged_in, drafts):
    for _ in range(2):
        logged_in.post(BULK, {"question": [drafts[0].pk], "status": "published"})
    assert QuestionLog.objects.filter(question=drafts[0]).count() == 1


def test_a_broken_question_stops_the_whole_bulk_publish(logged_in, drafts):
    Question.objects.filter(pk=drafts[1].pk).update(spec={"options": []})
    ids = [d.pk for d in drafts]
    response = logged_in.post(BULK, {"question": ids, "status": "published"}, follow=True)
    assert "Nothing was published" in response.text and "draft-1" in response.text
    assert not Question.objects.filter(status="published").exists()


def test_bulk_needs_a_status_and_a_question(logged_in, drafts):
    response = logged_in.post(BULK, {"question": [drafts[0].pk], "status": "gone"}, follow=True)
    assert "Choose to publish or to unpublish." in response.text
    response = logged_in.post(BULK, {"status": "published"}, follow=True)
    assert "Tick at least one question first." in response.text


def test_unpublish_from_the_item_analysis_is_logged_and_goes_back(logged_in, make_question):
    question = make_question("q")
    back = reverse("itemanalysis:page") + "?flagged=1"
    url = reverse("authoring:status", kwargs={"pk": question.pk})
    data = {"status": "draft", "reason": "item_analysis", "next": back}
    response = logged_in.post(url, data)
    assert response.status_code == 302 and response.url == back
    question.refresh_from_db()
    assert question.status == "draft"
    entry = QuestionLog.objects.get(question=question)
    assert (entry.action, entry.details) == ("unpublished", {"reason": "item_analysis"})
    assert "from the item analysis" in logged_in.get(preview_url(question)).text


def test_next_must_stay_on_the_site(logged_in, make_question):
    question = make_question("q")
    url = reverse("authoring:status", kwargs={"pk": question.pk})
    response = logged_in.post(url, {"status": "draft", "next": "https://evil.example/"})
    assert response.url == preview_url(question)


def test_the_preview_shows_the_question_as_a_trainee_sees_it(logged_in, make_question):
    question = make_question("q")
    response = logged_in.get(preview_url(question))
    assert response.status_code == 200
    assert "Choose one answer" in response.text and "Option b" in response.text
    assert 'name="choice" value="2"' in response.text  # positions, as on the trainee's page
    assert reverse("authoring:edit", kwargs={"pk": question.pk}) in response.text


def test_an_answer_in_the_preview_is_graded_and_never_stored(logged_in, make_question):
    question = make_question("q")
    order = logged_in.get(preview_url(question, seed=4)).context["item"].choice_order
    right = order.index("a")
    response = logged_in.post(preview_url(question, seed=4), {"choice": right})
    assert response.status_code == 200
    assert "Right answer" in response.text and "Because." in response.text
    assert not Answer.objects.exists()


def test_a_wrong_answer_in_the_preview_shows_the_right_one(logged_in, make_question):
    question = make_question("q")
    order = logged_in.get(preview_url(question, seed=2)).context["item"].choice_order
    response = logged_in.post(preview_url(question, seed=2), {"choice": order.index("b")})
    assert "Wrong answer" in response.text and "The right answer" in response.text


def test_an_unreadable_answer_in_the_preview_says_why(logged_in, make_question):
    response = logged_in.post(preview_url(make_question("q")), {})
    assert response.status_code == 400
    assert "Please answer before sending." in response.text


def test_the_preview_answers_htmx_with_its_area(logged_in, make_question):
    question = make_question("q")
    response = logged_in.get(preview_url(question), headers={"HX-Request": "true"})
    assert "<h1>" not in response.text and "Choose one answer" in response.text


def test_edit_saves_and_logs_the_fields_changed(logged_in, trainer, make_question):
    question = make_question("q")
    url = reverse("authoring:edit", kwargs={"pk": question.pk})
    form = logged_in.get(url).context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data = {k: v for k, v in data.items() if v is not None}
    data["text_en"] = "Which port do mail clients submit to?"
    response = logged_in.post(url, data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text_en == "Which port do mail clients submit to?"
    entry = QuestionLog.objects.get(question=question)
    assert (entry.action, entry.user, entry.details) == ("edited", trainer, {"fields": ["text_en"]})


def test_edit_refuses_a_spec_that_does_not_fit_the_type(logged_in, make_question):
    question = make_question("q")
    url = reverse("authoring:edit", kwargs={"pk": question.pk})
    form = logged_in.get(url).context["form"]
    data = {n: form[n].value() for n in form.fields if form[n].value() is not None}
    data["spec"] = '{"options": [{"key": "a", "text": {"fr": "x"}, "correct": false}]}'
    response = logged_in.post(url, data)
    assert response.status_code == 400
    assert "A choice question needs 2 to 8 options." in response.text
    data["spec"] = "{not json"
    assert logged_in.post(url, data).status_code == 400
    assert not QuestionLog.objects.exists()


@pytest.mark.parametrize("name", ["list", "preview", "edit"])
def test_trainees_and_visitors_are_kept_out(client, trainee, make_question, name):
    question = make_question("q")
    url = LIST if name == "list" else reverse(f"authoring:{name}", kwargs={"pk": question.pk})
    assert client.get(url).status_code == 302
    client.force_login(trainee)
    assert client.get(url).status_code == 403
    status_url = reverse("authoring:status", kwargs={"pk": question.pk})
    assert client.post(status_url, {"status": "draft"}).status_code == 403
    assert client.post(BULK, {"question": [question.pk], "status": "draft"}).status_code == 403
    assert Question.objects.get(pk=question.pk).status == "published"
