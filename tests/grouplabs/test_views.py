"""Trainer lab management: mailboxes for a group, resets, group access, the checks list."""

import pytest
from django.urls import reverse

from quizapp.grouplabs.models import LabAccess, LabAction
from quizapp.lab import services as lab_services
from quizapp.lab.models import LabMailbox, LabRun, LabServer
from quizapp.lab.server import accounts

pytestmark = pytest.mark.django_db


def manage_url(lab, group=None):
    url = reverse("grouplabs:manage", kwargs={"pk": lab.pk})
    return f"{url}?group={group.pk}" if group else url


def create_url(lab):
    return reverse("grouplabs:create_mailboxes", kwargs={"pk": lab.pk})


def reset_url(mailbox):
    return reverse(
        "grouplabs:reset_password", kwargs={"pk": mailbox.lab_id, "mailbox_pk": mailbox.pk}
    )


def access_url(lab):
    return reverse("grouplabs:access", kwargs={"pk": lab.pk})


RUNS = reverse("grouplabs:runs")


def test_the_trainer_lab_list_has_their_labs_and_the_embedded_one(
    client, trainer, other_trainer, make_lab, embedded
):
    mine = make_lab("Mine")
    make_lab("Theirs", created_by=other_trainer)
    client.force_login(trainer)
    response = client.get(reverse("lab:trainer_labs"))
    assert [lab.name for lab in response.context["labs"]] == ["Labo local", "Mine"]
    assert f'"{reverse("lab:trainer_lab_edit", kwargs={"pk": embedded.pk})}"' not in response.text
    assert reverse("lab:trainer_lab_edit", kwargs={"pk": mine.pk}) in response.text
    assert manage_url(embedded) in response.text


def test_a_trainer_creates_the_mailboxes_of_a_group_in_one_action(
    client, trainer, trainee, other_trainee, group, other_group, make_lab, django_user_model
):
    lab = make_lab()
    late = django_user_model.objects.create_user("zoe", password="x")
    group.memberships.create(trainee=late)
    client.force_login(trainer)
    response = client.post(create_url(lab), {"group": group.pk}, follow=True)
    assert "2 mailboxes created for BTS A." in response.text
    names = dict(LabMailbox.objects.filter(lab=lab).values_list("user__username", "name"))
    assert names == {"alice": "alice", "zoe": "zoe"}
    assert f"alice:{{PLAIN}}{LabMailbox.objects.get(user=trainee).password}" in response.text
    action = LabAction.objects.get()
    assert (action.kind, action.actor, action.group, action.count) == (
        "mailboxes_created",
        trainer,
        group,
        2,
    )
    again = client.post(create_url(lab), {"group": group.pk}, follow=True)
    assert "already has a mailbox" in again.text
    assert LabMailbox.objects.filter(lab=lab).count() == 2
    assert LabAction.objects.count() == 1


def test_a_name_taken_on_the_lab_gets_a_number(client, trainer, trainee, group, make_lab):
    lab = make_lab()
    stranger = trainee.__class__.objects.create_user("someone")
    LabMailbox.objects.create(user=stranger, lab=lab, name="alice", password="x")
    client.force_login(trainer)
    client.post(create_url(lab), {"group": group.pk})
    assert LabMailbox.objects.get(user=trainee).name == "alice-2"


def test_mailboxes_on_the_embedded_lab_open_on_its_server(
    client, trainer, trainee, group, embedded, lab_data_dir
):
    client.force_login(trainer)
    client.post(create_url(embedded), {"group": group.pk})
    mailbox = LabMailbox.objects.get(user=trainee, lab=embedded)
    book = accounts.AccountBook(lab_data_dir)
    assert book.verify(mailbox.name, mailbox.password)


def test_a_reset_password_replaces_the_old_one(client, trainer, trainee, group, embedded):
    client.force_login(trainer)
    mailbox = lab_services.mailbox_for(user=trainee, lab=embedded)
    old = mailbox.password
    response = client.post(reset_url(mailbox), {"group": group.pk})
    assert response.status_code == 302
    mailbox.refresh_from_db()
    book = accounts.AccountBook(lab_services.data_dir())
    assert mailbox.password != old
    assert book.verify(mailbox.name, mailbox.password)
    assert not book.verify(mailbox.name, old)
    action = LabAction.objects.get()
    assert (action.kind, action.target_name) == ("password_reset", "alice")
    assert "reset a mailbox password" in client.get(manage_url(embedded, group)).text


def test_a_trainer_cannot_reset_a_mailbox_outside_their_groups(
    client, trainer, other_trainee, group, other_group, embedded
):
    mailbox = lab_services.mailbox_for(user=other_trainee, lab=embedded)
    client.force_login(trainer)
    assert client.post(reset_url(mailbox)).status_code == 404
    assert LabMailbox.objects.get(pk=mailbox.pk).password == mailbox.password


def test_another_trainers_group_or_lab_is_a_404(
    client, trainer, other_trainer, group, other_group, make_lab
):
    mine, theirs = make_lab("Mine"), make_lab("Theirs", created_by=other_trainer)
    client.force_login(trainer)
    assert client.get(manage_url(theirs)).status_code == 404
    assert client.get(manage_url(mine, other_group)).status_code == 404
    assert client.post(create_url(mine), {"group": other_group.pk}).status_code == 404
    assert client.post(create_url(theirs), {"group": group.pk}).status_code == 404
    assert client.post(access_url(theirs), {"groups": [group.pk]}).status_code == 404
    assert client.post(access_url(mine), {"groups": [other_group.pk]}).status_code == 404
    assert not LabMailbox.objects.exists() and not LabAccess.objects.exists()


def test_giving_a_group_access_closes_the_lab_to_everyone_else(
    client, trainer, trainee, other_trainee, group, other_group, make_lab, embedded
):
    lab = make_lab()
    client.force_login(other_trainee)
    assert lab in client.get(reverse("lab:index")).context["labs"]
    client.force_login(trainer)
    client.post(access_url(lab), {"groups": [group.pk]})
    assert LabAction.objects.get().kind == "access_granted"

    client.force_login(other_trainee)
    assert list(client.get(reverse("lab:index")).context["labs"]) == [embedded]
    assert client.get(lab.get_absolute_url()).status_code == 404
    client.force_login(trainee)
    assert set(client.get(reverse("lab:index")).context["labs"]) == {lab, embedded}
    assert client.get(lab.get_absolute_url()).status_code == 200

    client.force_login(trainer)
    client.post(access_url(lab), {})  # no group ticked: open again
    assert not LabAccess.objects.exists()
    assert LabAction.objects.first().kind == "access_removed"
    client.force_login(other_trainee)
    assert client.get(lab.get_absolute_url()).status_code == 200


def test_saving_access_keeps_other_trainers_groups(
    client, trainer, other_trainer, group, other_group, make_lab
):
    lab = make_lab()
    LabAccess.objects.create(lab=lab, group=other_group)
    client.force_login(trainer)
    client.post(access_url(lab), {"groups": [group.pk]})
    assert set(lab.group_access.values_list("group_id", flat=True)) == {group.pk, other_group.pk}
    client.post(access_url(lab), {})
    assert list(lab.group_access.values_list("group_id", flat=True)) == [other_group.pk]


def test_a_trainer_uses_the_embedded_lab_without_being_a_superuser(client, trainer, embedded):
    client.force_login(trainer)
    assert embedded in client.get(reverse("lab:index")).context["labs"]
    assert client.get(embedded.get_absolute_url()).status_code == 200
    assert client.get(manage_url(embedded)).status_code == 200


@pytest.fixture
def runs(trainee, other_trainee, make_lab, django_user_model, group):
    lab = make_lab()
    carol = django_user_model.objects.create_user("carol")
    group.memberships.create(trainee=carol)
    done = {"status": LabRun.Status.DONE}
    return {
        "alice-pass": LabRun.objects.create(
            user=trainee, lab=lab, kind="port_map", grade=1, **done
        ),
        "alice-fail": LabRun.objects.create(
            user=trainee, lab=lab, kind="send_fetch", grade=0.5, **done
        ),
        "carol-error": LabRun.objects.create(
            user=carol, lab=lab, kind="port_map", status=LabRun.Status.ERROR
        ),
        "carol-pending": LabRun.objects.create(user=carol, lab=lab, kind="pop_vs_imap"),
        "bob": LabRun.objects.create(user=other_trainee, lab=lab, kind="port_map", grade=1, **done),
    }


def listed(client, **query):
    response = client.get(RUNS, query)
    assert response.status_code == 200
    return {run.pk for run in response.context["page"].object_list}


def test_the_checks_list_filters_by_group_trainee_exercise_and_result(
    client, trainer, trainee, group, runs
):
    ids = {name: run.pk for name, run in runs.items()}
    client.force_login(trainer)
    mine = {ids[n] for n in ("alice-pass", "alice-fail", "carol-error", "carol-pending")}
    assert listed(client) == mine
    assert listed(client, group=group.pk) == mine
    assert listed(client, trainee=trainee.pk) == {ids["alice-pass"], ids["alice-fail"]}
    assert listed(client, exercise="port_map") == {ids["alice-pass"], ids["carol-error"]}
    assert listed(client, result="passed") == {ids["alice-pass"]}
    assert listed(client, result="failed") == {ids["alice-fail"]}
    assert listed(client, result="error") == {ids["carol-error"]}
    assert listed(client, result="unfinished") == {ids["carol-pending"]}
    assert listed(client, trainee=trainee.pk, result="failed") == {ids["alice-fail"]}


def test_the_checks_list_refuses_others_groups_and_trainees(
    client, trainer, other_trainee, other_group, runs
):
    client.force_login(trainer)
    assert client.get(RUNS, {"group": other_group.pk}).status_code == 404
    assert client.get(RUNS, {"trainee": other_trainee.pk}).status_code == 404
    assert client.get(RUNS, {"group": "x"}).status_code == 404


def test_the_manage_page_hides_passwords_from_caches(client, trainer, group, make_lab):
    client.force_login(trainer)
    response = client.get(manage_url(make_lab(), group))
    assert "no-store" in response["Cache-Control"]


def test_only_the_labs_creator_chooses_its_groups(
    client, trainer, other_trainer, group, make_lab, embedded
):
    client.force_login(trainer)
    assert client.get(manage_url(make_lab())).context["can_share"]
    assert not client.get(manage_url(embedded)).context["can_share"]
    assert client.post(access_url(embedded), {"groups": [group.pk]}).status_code == 404
    assert LabServer.objects.open_to(trainer).filter(pk=embedded.pk).exists()
