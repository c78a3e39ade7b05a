"""Lab workflows: a trainee's lab mailbox, starting a check, the practice messages.

Checks run off the request (see runner.py); here they are only admitted: one
at a time per trainee, a few a minute, and only with what the exercise needs.
"""

import email.message
import email.policy
import email.utils
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quizapp.lab import runner
from quizapp.lab.exercises.popimap import marker
from quizapp.lab.models import LabMailbox, LabRun, LabServer, PortCheck
from quizapp.lab.server import accounts
from quizapp.lab.server.headers import SmtpSession, stamp
from quizapp.lab.server.store import MailStore, check_name

logger = logging.getLogger(__name__)

RATE_LIMIT = 6  # checks (and practice deliveries) per trainee...
RATE_WINDOW = 60  # ...per this many seconds
MAX_NAME_TRIES = 50


class CheckRefused(Exception):
    """A check the site will not start now; `message` is for the trainee, `status` for HTTP."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def data_dir() -> Path:
    """Return the embedded lab server's data directory (read at call time, not import)."""
    return Path(settings.LAB_DATA_DIR)


def take_check_slot(user_id: int) -> None:
    """Count one check against the trainee's budget, or raise CheckRefused (429).

    A fixed window that opens with the first check: cache.add then incr are
    atomic in Redis and in the local-memory cache alike.
    """
    key = f"lab:checks:{user_id}"
    cache.add(key, 0, timeout=RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.add(key, 1, timeout=RATE_WINDOW)
        count = 1
    if count > RATE_LIMIT:
        message = _(
            "You have started %(limit)s checks in the last minute. Wait a minute, then try again."
        ) % {"limit": RATE_LIMIT}
        raise CheckRefused(message, status=429)


# Mailboxes ---------------------------------------------------------------------------------


def mailbox_for(*, user, lab: LabServer) -> LabMailbox | None:
    """Return the trainee's mailbox on `lab`, creating it on an embedded lab; None otherwise.

    On an embedded lab the login is also (re)written to the lab server's
    accounts file when missing, so that a wiped data directory heals itself.
    """
    mailbox = LabMailbox.objects.filter(user=user, lab=lab).select_related("lab").first()
    if mailbox is None and lab.embedded:
        mailbox = _create_embedded_mailbox(user, lab)
    healing = mailbox is not None and lab.embedded
    if healing and not accounts.mailbox_exists(data_dir(), mailbox.name):
        accounts.create_mailbox(data_dir(), mailbox.name, password=mailbox.password)
    return mailbox


def remove_mailbox_files(name: str) -> None:
    """Remove an embedded mailbox's login and every file of its mail."""
    accounts.delete_mailbox(data_dir(), name)
    shutil.rmtree(data_dir() / "mail" / check_name(name), ignore_errors=True)


def _create_embedded_mailbox(user, lab: LabServer) -> LabMailbox:
    # All embedded labs share one data directory: one mailbox and password per trainee there.
    twin = LabMailbox.objects.filter(user=user, lab__embedded=True).first()
    name = twin.name if twin else _free_name(user)
    password = twin.password if twin else accounts.create_mailbox(data_dir(), name)
    try:
        with transaction.atomic():
            return LabMailbox.objects.create(user=user, lab=lab, name=name, password=password)
    except IntegrityError:
        # Two first visits at once: keep the row that won, and its password.
        mailbox = LabMailbox.objects.get(user=user, lab=lab)
        accounts.create_mailbox(data_dir(), mailbox.name, password=mailbox.password)
        return mailbox


def _free_name(user) -> str:
    base = accounts.mailbox_name_for(user.get_username())[:56].strip("._-") or "trainee"
    taken = set(
        LabMailbox.objects.filter(lab__embedded=True)
        .exclude(user=user)
        .values_list("name", flat=True)
    )
    for number in range(1, MAX_NAME_TRIES):
        name = base if number == 1 else f"{base}-{number}"
        if name not in taken:
            return name
    return f"trainee-{user.pk}"


# Starting checks ---------------------------------------------------------------------------


def start_run(*, user, lab: LabServer, kind: str, answers: dict | None = None) -> LabRun:
    """Admit a check, store it as pending and hand it to the runner; return the run.

    Raise CheckRefused when the lab cannot do this exercise, when the trainee
    already has a check running, or past the rate limit.
    """
    _check_prerequisites(user, lab, kind)
    for stale in LabRun.objects.filter(user=user).unfinished():
        stale.expire_if_stale()
    if LabRun.objects.filter(user=user).unfinished().exists():
        raise CheckRefused(_("One of your checks is still running: wait for its result."), 409)
    take_check_slot(user.pk)
    with transaction.atomic():
        run = LabRun.objects.create(user=user, lab=lab, kind=kind, answers=answers or {})
        if kind == LabRun.Kind.PORT_MAP:
            PortCheck.objects.bulk_create(
                PortCheck(run=run, position=position, port=port, service=service.key)
                for position, (service, port) in enumerate(
                    sorted(lab.services(), key=lambda pair: pair[1])
                )
            )
    # After the commit, so that a worker thread finds the run.
    runner.submit(run.pk)
    logger.info("lab check %s started: %s on %s by %s", run.pk, kind, lab, user)
    return run


def _check_prerequisites(user, lab: LabServer, kind: str) -> None:
    if kind == LabRun.Kind.PORT_MAP:
        if not lab.services():
            raise CheckRefused(_("This lab exposes no port to check."))
        return
    if not LabMailbox.objects.filter(user=user, lab=lab).exists():
        raise CheckRefused(_("You have no mailbox on this lab yet: ask your trainer for one."))
    needs_imap = kind == LabRun.Kind.SEND_FETCH or not lab.embedded
    if needs_imap and lab.mailbox_service("imap") is None:
        raise CheckRefused(_("This lab has no IMAP service, so the site cannot look."))


# Practice messages -------------------------------------------------------------------------


def deliver_practice_messages(*, user, lab: LabServer) -> LabMailbox:
    """Empty the trainee's embedded lab mailbox and file two practice messages in it.

    Filed through the store, with the trace headers the lab's relay would add,
    so the exercise works even before the trainee has a mail client set up.
    """
    if not lab.embedded:
        raise CheckRefused(_("Only the site's own lab server can receive practice messages."))
    mailbox = mailbox_for(user=user, lab=lab)
    take_check_slot(user.pk)
    store = MailStore(data_dir())
    store.empty(mailbox.name)
    for number in (1, 2):
        store.deliver(mailbox.name, _practice_message(mailbox, number))
    mailbox.practice_delivered_at = timezone.now()
    mailbox.save(update_fields=["practice_delivered_at"])
    return mailbox


def _practice_message(mailbox: LabMailbox, number: int) -> bytes:
    domain = mailbox.lab.domain
    sender = f"facteur@{domain}"
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["From"] = f"Facteur <{sender}>"
    message["To"] = mailbox.address
    subject = _("Practice message %(number)s") % {"number": number}
    message["Subject"] = f"{subject} {marker(mailbox.practice_token, number)}"
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = email.utils.make_msgid(domain=domain)
    message.set_content(
        _("This message was put in your lab mailbox for the POP3 versus IMAP exercise.")
    )
    session = SmtpSession(helo=f"www.{domain}", peer_ip="127.0.0.1", tls=None, login=None)
    return stamp(message.as_bytes(), session, sender, mailbox.address, f"mail.{domain}")
