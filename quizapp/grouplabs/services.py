"""Trainers' work on a lab: mailboxes for a group, password resets, group access. All logged."""

from django.db import IntegrityError, transaction

from quizapp.grouplabs.models import LabAccess, LabAction
from quizapp.lab import services as lab_services
from quizapp.lab.models import LabMailbox, LabServer
from quizapp.lab.server import accounts

MAX_NAME_TRIES = 50


def _free_name(lab: LabServer, username: str, taken: set[str]) -> str:
    base = accounts.mailbox_name_for(username)[:56].strip("._-") or "trainee"
    for number in range(1, MAX_NAME_TRIES):
        name = base if number == 1 else f"{base}-{number}"
        if name not in taken:
            return name
    return f"{base[:40]}-{len(taken) + 1}"


def _create_one(lab: LabServer, trainee, taken: set[str]) -> LabMailbox | None:
    """Create the trainee's mailbox on `lab`; None if someone else just did."""
    if lab.embedded:  # the lab server's accounts file is written too
        return lab_services.mailbox_for(user=trainee, lab=lab)
    name = _free_name(lab, trainee.get_username(), taken)
    try:
        with transaction.atomic():
            mailbox = LabMailbox.objects.create(
                user=trainee, lab=lab, name=name, password=accounts.generate_password()
            )
    except IntegrityError:  # a second click, or a name taken meanwhile
        return None
    taken.add(name)
    return mailbox


def create_mailboxes(*, lab: LabServer, group, actor) -> int:
    """Give every trainee of `group` without a mailbox on `lab` one; return how many were made.

    On an external lab the site only keeps the logins and passwords: the trainer
    creates them on their mail server (the page lists them as a passwd-file).
    """
    waiting = list(group.trainees.exclude(lab_mailboxes__lab=lab).order_by("username"))
    taken = set(lab.mailboxes.values_list("name", flat=True))
    made = sum(_create_one(lab, trainee, taken) is not None for trainee in waiting)
    if made:
        LabAction.objects.create(
            lab=lab, actor=actor, kind=LabAction.Kind.MAILBOXES_CREATED, group=group, count=made
        )
    return made


@transaction.atomic
def reset_password(*, mailbox: LabMailbox, actor) -> str:
    """Give the mailbox a new password (the old one stops working); return it."""
    password = accounts.generate_password()
    lab = mailbox.lab
    if lab.embedded:
        # Every embedded lab shares one data directory: one password per trainee there.
        accounts.create_mailbox(lab_services.data_dir(), mailbox.name, password=password)
        twins = LabMailbox.objects.filter(user=mailbox.user, lab__embedded=True)
        twins.update(password=password)
    else:
        LabMailbox.objects.filter(pk=mailbox.pk).update(password=password)
    mailbox.password = password
    LabAction.objects.create(
        lab=lab,
        actor=actor,
        kind=LabAction.Kind.PASSWORD_RESET,
        target_name=mailbox.user.get_username(),
    )
    return password


@transaction.atomic
def set_access(*, lab: LabServer, wanted, among, actor) -> tuple[int, int]:
    """Give exactly the `wanted` groups, out of `among` (the trainer's), access to `lab`.

    Other trainers' groups keep whatever access they have. Return (added, removed).
    """
    among_ids = set(among.values_list("pk", flat=True))
    wanted_ids = {group.pk for group in wanted} & among_ids
    current = set(lab.group_access.filter(group__in=among_ids).values_list("group_id", flat=True))
    added, removed = wanted_ids - current, current - wanted_ids
    for group_id in sorted(added):
        LabAccess.objects.get_or_create(lab=lab, group_id=group_id, defaults={"granted_by": actor})
    lab.group_access.filter(group__in=removed).delete()
    LabAction.objects.bulk_create(
        [
            *(
                LabAction(lab=lab, actor=actor, kind=LabAction.Kind.ACCESS_GRANTED, group_id=pk)
                for pk in sorted(added)
            ),
            *(
                LabAction(lab=lab, actor=actor, kind=LabAction.Kind.ACCESS_REMOVED, group_id=pk)
                for pk in sorted(removed)
            ),
        ]
    )
    return len(added), len(removed)
