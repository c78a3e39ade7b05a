"""Group workflows: create, join, leave, remove; each one logged (STYLE.md §13)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from quizapp.groups import codes
from quizapp.groups.models import Group, GroupAction, Membership


class JoinRefused(Exception):
    """Why someone cannot join: a message for them, in their language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def log(*, group, actor, kind, target=None) -> GroupAction:
    return GroupAction.objects.create(
        group=group,
        actor=actor,
        kind=kind,
        target=target,
        target_name=target.get_username() if target else "",
    )


@transaction.atomic
def create_group(*, trainer, name: str, assessment_date=None, co_trainers=()) -> Group:
    """Create a group its creator trains, with the co-trainers given."""
    group = Group.objects.create(name=name, assessment_date=assessment_date, created_by=trainer)
    group.trainers.set({trainer, *co_trainers})
    log(group=group, actor=trainer, kind=GroupAction.Kind.CREATED)
    return group


def find_group(code: str) -> Group:
    """Return the group a typed code opens, or raise JoinRefused saying why not."""
    code = codes.normalise(code)
    if not codes.is_well_formed(code):
        raise JoinRefused(_("A join code has 6 to 8 letters and digits, without 0, O, 1, I or l."))
    group = Group.objects.filter(join_code=code).first()
    if group is None:
        raise JoinRefused(_("No group has this code. Check it with your trainer."))
    if not group.joining_open:
        raise JoinRefused(_("This group is closed to new members. Ask your trainer."))
    return group


def join_group(*, user, code: str) -> tuple[Group, bool]:
    """Put a trainee in the group of this code; return it and whether they just joined."""
    group = find_group(code)
    if not user.is_authenticated:
        raise JoinRefused(_("Log in or sign up to join a group."))
    if user.is_trainer:
        raise JoinRefused(_("A trainer account cannot join as a trainee: ask to be a co-trainer."))
    try:
        with transaction.atomic():
            Membership.objects.create(group=group, trainee=user)
            log(group=group, actor=user, kind=GroupAction.Kind.JOINED, target=user)
    except IntegrityError:  # already in it (a double click, a second tab)
        return group, False
    return group, True


@transaction.atomic
def leave_group(*, user, group) -> bool:
    deleted, _rows = Membership.objects.filter(group=group, trainee=user).delete()
    if deleted:
        log(group=group, actor=user, kind=GroupAction.Kind.LEFT, target=user)
    return bool(deleted)


@transaction.atomic
def remove_trainee(*, trainer, group, trainee) -> bool:
    """Take a trainee out of the group; their own practice stays theirs."""
    deleted, _rows = Membership.objects.filter(group=group, trainee=trainee).delete()
    if deleted:
        log(group=group, actor=trainer, kind=GroupAction.Kind.REMOVED, target=trainee)
    return bool(deleted)


@transaction.atomic
def set_joining(*, trainer, group, open_: bool) -> None:
    group.joining_open = open_
    group.save(update_fields=["joining_open"])
    kind = GroupAction.Kind.JOINING_OPENED if open_ else GroupAction.Kind.JOINING_CLOSED
    log(group=group, actor=trainer, kind=kind)


@transaction.atomic
def regenerate_code(*, trainer, group) -> str:
    code = group.regenerate_code()
    log(group=group, actor=trainer, kind=GroupAction.Kind.CODE_REGENERATED)
    return code


@transaction.atomic
def edit_group(*, trainer, group, name, assessment_date, co_trainers) -> None:
    """Save the group's settings; its creator always stays one of its trainers."""
    group.name, group.assessment_date = name, assessment_date
    group.save(update_fields=["name", "assessment_date"])
    group.trainers.set({group.created_by, trainer, *co_trainers})
    log(group=group, actor=trainer, kind=GroupAction.Kind.EDITED)
