"""Every trainer view reaches a group, and a trainee's data, through these (STYLE.md §11)."""

from django.shortcuts import get_object_or_404

from quizapp.groups.models import Group


def get_group_for_trainer(user, pk) -> Group:
    """Return a group `user` trains, or 404: another trainer's group does not exist for them."""
    return get_object_or_404(Group.objects.for_trainer(user), pk=pk)


def get_trainee_for_trainer(user, group_pk, trainee_pk):
    """Return (group, trainee) when the trainee is in one of `user`'s groups, else 404."""
    group = get_group_for_trainer(user, group_pk)
    return group, get_object_or_404(group.trainees.all(), pk=trainee_pk)


def get_group_for_trainee(user, pk) -> Group:
    """Return a group `user` is a member of, or 404."""
    return get_object_or_404(Group.objects.for_trainee(user), pk=pk)
