import pytest
from django.http import Http404

from quizapp.groups import codes
from quizapp.groups.models import Group, Membership
from quizapp.groups.ownership import get_group_for_trainer, get_trainee_for_trainer


@pytest.fixture
def group(trainer):
    group = Group.objects.create(name="BTS 1", created_by=trainer)
    group.trainers.add(trainer)
    return group


def test_a_new_group_gets_a_readable_code(group):
    assert codes.is_well_formed(group.join_code)
    assert not set(group.join_code) & set("0O1Il")


def test_the_alphabet_leaves_out_confusable_characters():
    assert not set(codes.ALPHABET) & set("0O1Il")
    assert all(codes.is_well_formed(codes.new_code()) for _ in range(200))


def test_a_typed_code_is_read_case_insensitively():
    assert codes.normalise(" abc-d ef ") == "ABCDEF"


def test_regenerating_the_code_changes_it(group):
    old = group.join_code
    assert group.regenerate_code() != old
    assert not Group.objects.filter(join_code=old).exists()


def test_another_trainers_group_is_a_404(group, other_trainer, trainer):
    assert get_group_for_trainer(trainer, group.pk) == group
    with pytest.raises(Http404):
        get_group_for_trainer(other_trainer, group.pk)


def test_a_trainee_outside_the_group_is_a_404(group, trainer, trainee, other_trainee):
    Membership.objects.create(group=group, trainee=trainee)
    assert get_trainee_for_trainer(trainer, group.pk, trainee.pk) == (group, trainee)
    with pytest.raises(Http404):
        get_trainee_for_trainer(trainer, group.pk, other_trainee.pk)


def test_a_co_trainer_follows_the_group(group, other_trainer):
    group.trainers.add(other_trainer)
    assert get_group_for_trainer(other_trainer, group.pk) == group
