"""Lab mailboxes, their mail, and lab checks (quizapp/privacy/registry.py)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from quizapp.lab import services
from quizapp.lab.models import LabMailbox, LabRun
from quizapp.lab.server.store import MailStore
from quizapp.privacy.registry import PersonalData, register


def _embedded_names(user) -> set[str]:
    mailboxes = LabMailbox.objects.filter(user=user, lab__embedded=True)
    return set(mailboxes.values_list("name", flat=True))


def mailboxes_of(user) -> list[dict]:
    store = MailStore(services.data_dir())
    mailboxes = LabMailbox.objects.filter(user=user).select_related("lab").order_by("pk")
    return [
        {
            "lab": mailbox.lab.name,
            "address": mailbox.address,
            "login": mailbox.name,
            "created_at": mailbox.created_at,
            "messages_kept": len(store.messages(mailbox.name)) if mailbox.lab.embedded else None,
        }
        for mailbox in mailboxes
    ]


def mail_of(user):
    """Yield the messages kept in the user's mailboxes on the site's own lab server."""
    store = MailStore(services.data_dir())
    for name in sorted(_embedded_names(user)):
        for info in store.messages(name):
            yield f"lab-mail/{name}/{info.uid}.eml", store.read(name, info.uid)


def runs_of(user) -> list[dict]:
    runs = LabRun.objects.filter(user=user).select_related("lab").order_by("created_at")
    return [
        {
            "lab": run.lab.name,
            "exercise": run.kind,
            "status": run.status,
            "answers": run.answers,
            "grade": run.grade,
            "outcome": run.outcome,
            "error": run.error,
            "created_at": run.created_at,
            "finished_at": run.finished_at,
        }
        for run in runs
    ]


def remove_mailboxes(user) -> int:
    """Remove the user's logins and mail from the site's lab server once the deletion commits.

    The rows go with the account. On a trainer's own lab server the mailbox is
    theirs to remove: the site holds only its login there.
    """
    names = _embedded_names(user)
    transaction.on_commit(lambda: [services.remove_mailbox_files(name) for name in names])
    return LabMailbox.objects.filter(user=user).count()


register(
    PersonalData(
        name="lab_mailboxes",
        label=_("Your lab mailboxes and the mail in them"),
        export=mailboxes_of,
        erase=remove_mailboxes,
        files=mail_of,
        on_delete=_("Deleted, with every message on the site's lab server."),
    )
)
register(
    PersonalData(
        name="lab_runs",
        label=_("Your lab checks: what you answered and what the site found"),
        export=runs_of,
        on_delete=_("Deleted."),
    )
)
