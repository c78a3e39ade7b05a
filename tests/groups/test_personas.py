"""Every groups URL, swept by every persona with every other persona's ids."""

import itertools

import pytest
from django.urls import reverse

from quizapp.groups.models import Group, Membership

pytestmark = pytest.mark.django_db

GROUP_PAGES = ["dashboard", "edit", "projector"]
GROUP_POSTS = ["joining", "regenerate"]
TRAINEE_PAGES = ["trainee", "remove"]
EXPORTS = [("table", "csv"), ("table", "xlsx"), ("answers", "csv"), ("answers", "xlsx")]


@pytest.fixture
def world(trainer, other_trainer, trainee, other_trainee, group, other_group):
    Membership.objects.create(group=group, trainee=trainee)
    Membership.objects.create(group=other_group, trainee=other_trainee)
    return {
        "personas": {
            "visitor": None,
            "trainee": trainee,
            "other_trainee": other_trainee,
            "trainer": trainer,
            "other_trainer": other_trainer,
        },
        "groups": [group, other_group],
        "trainees": [trainee, other_trainee],
    }


def login(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


def expected(user, group, trainee=None) -> int:
    if user is None:
        return 302  # to the login page
    if not user.is_trainer:
        return 403
    allowed = group.trainers.filter(pk=user.pk).exists() and (
        trainee is None or group.memberships.filter(trainee=trainee).exists()
    )
    return 200 if allowed else 404


def test_group_pages_and_exports(client, world):
    for (name, user), group in itertools.product(world["personas"].items(), world["groups"]):
        login(client, user)
        urls = [reverse(f"groups:{page}", kwargs={"pk": group.pk}) for page in GROUP_PAGES]
        urls += [
            reverse("groups:export", kwargs={"pk": group.pk, "what": what, "fmt": fmt})
            for what, fmt in EXPORTS
        ]
        for url in urls:
            status = client.get(url).status_code
            assert status == expected(user, group), (name, url, status)


def test_group_actions_change_nothing_for_outsiders(client, world):
    for (name, user), group in itertools.product(world["personas"].items(), world["groups"]):
        login(client, user)
        for action in GROUP_POSTS:
            before = Group.objects.values_list("join_code", "joining_open").get(pk=group.pk)
            url = reverse(f"groups:{action}", kwargs={"pk": group.pk})
            status = client.post(url, {"open": "0"}).status_code
            allowed = expected(user, group) == 200
            assert status == (302 if allowed else expected(user, group)), (name, url, status)
            after = Group.objects.values_list("join_code", "joining_open").get(pk=group.pk)
            assert (after != before) == allowed, (name, url)


def test_trainee_pages_with_every_pair_of_ids(client, world):
    personas, groups, trainees = world["personas"], world["groups"], world["trainees"]
    for (name, user), group, target in itertools.product(personas.items(), groups, trainees):
        login(client, user)
        for page in TRAINEE_PAGES:
            url = reverse(f"groups:{page}", kwargs={"pk": group.pk, "trainee_pk": target.pk})
            status = client.get(url).status_code
            assert status == expected(user, group, target), (name, url, status)


def test_removing_someone_elses_trainee_changes_nothing(client, world):
    personas, groups, trainees = world["personas"], world["groups"], world["trainees"]
    for (name, user), group, target in itertools.product(personas.items(), groups, trainees):
        if expected(user, group, target) == 200:
            continue
        login(client, user)
        url = reverse("groups:remove", kwargs={"pk": group.pk, "trainee_pk": target.pk})
        client.post(url)
        assert Membership.objects.count() == 2, (name, url)


def test_list_and_create_are_for_trainers_only(client, world):
    for name, user in world["personas"].items():
        login(client, user)
        for url in (reverse("groups:list"), reverse("groups:create")):
            status = client.get(url).status_code
            want = 302 if user is None else 200 if user.is_trainer else 403
            assert status == want, (name, url, status)


def test_a_trainer_lists_only_their_own_groups(client, world, trainer):
    login(client, trainer)
    assert [g.name for g in client.get(reverse("groups:list")).context["groups"]] == ["BTS SIO 1"]


def test_leaving_is_only_for_the_groups_one_is_in(client, world):
    for (name, user), group in itertools.product(world["personas"].items(), world["groups"]):
        login(client, user)
        url = reverse("groups:leave", kwargs={"pk": group.pk})
        status = client.get(url).status_code
        if user is None:
            want = 302
        else:
            want = 200 if group.memberships.filter(trainee=user).exists() else 404
        assert status == want, (name, url, status)
        if want != 200:
            client.post(url)
            assert Membership.objects.count() == 2


def test_join_pages_answer_everyone(client, world, group):
    for name, user in world["personas"].items():
        login(client, user)
        for url in (reverse("groups:join"), group.join_path()):
            assert client.get(url).status_code == 200, (name, url)
