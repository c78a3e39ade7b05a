"""Lab workflows: a trainee's lab mailbox, starting a check, the practice messages.

Checks run off the request (see runner.py); here they are only admitted: one
at a time per trainee, a few a minute, and only with what the exercise needs.
"""

import datetime
import email.message
import email.policy
import email.utils
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quizapp.lab import runner
from quizapp.lab.exercises.popimap import marker
from quizapp.lab.models import LabMailbox, LabRun, LabServer, PortCheck
from quizapp.lab.server import accounts
from quizapp.lab.server.headers import SmtpSession, stamp
from quizapp.lab.server.store import MailStore

logger = logging.getLogger(__name__)

RATE_LIMIT = 6  # checks per trainee...
RATE_WINDOW = 60  # ...per this many seconds
DELIVERY_PAUSE = 5  # seconds between two deliveries of practice messages
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


def _refuse_past_rate(user) -> None:
    """Raise CheckRefused (429) once the trainee started RATE_LIMIT checks in the window.

    Counted from the runs themselves, under a lock on the trainee's row, so the
    budget holds across every web process and worker (a per-process cache gave
    each process its own six). Call inside the transaction that inserts the run.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    since = timezone.now() - datetime.timedelta(seconds=RATE_WINDOW)
    if LabRun.objects.filter(user=user, created_at__gte=since).count() >= RATE_LIMIT:
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
    try:
        with transaction.atomic():
            _refuse_past_rate(user)
            run = LabRun.objects.create(user=user, lab=lab, kind=kind, answers=answers or {})
            if kind == LabRun.Kind.PORT_MAP:
                PortCheck.objects.bulk_create(
                    PortCheck(run=run, position=position, port=port, service=service.key)
                    for position, (service, port) in enumerate(
                        sorted(lab.services(), key=lambda pair: pair[1])
                    )
                )
    except IntegrityError:  # the one-unfinished-run constraint: another check is running
        raise CheckRefused(
            _("One of your checks is still running: wait for its result."), 409
        ) from None
    # After the commit, so that a worker thread finds the run.
    runner.submit(run.pk)
    logger.info("lab check %s started: %s on %s by %s", run.pk, kind, lab, user)
    return run


def _check_prerequisites(user, lab: LabServer, kind: str) -> None:
    if not lab.ports_permitted():
        raise CheckRefused(
            _("This lab declares a port that is not a mail port: ask an administrator.")
        )
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
    if not _claim_delivery(mailbox):
        raise CheckRefused(_("Practice messages were just delivered: wait a few seconds."), 429)
    store = MailStore(data_dir())
    store.empty(mailbox.name)
    for number in (1, 2):
        store.deliver(mailbox.name, _practice_message(mailbox, number))
    return mailbox


def _claim_delivery(mailbox: LabMailbox) -> bool:
    """Stamp the delivery time unless one was made moments ago; return False then.

    A set-up step, not a check: it has its own brake (a double click, a
    reload), not the checks' budget, which a trainee needs for the exercise.
    """
    now = timezone.now()
    recent = now - datetime.timedelta(seconds=DELIVERY_PAUSE)
    claimed = (
        LabMailbox.objects.filter(pk=mailbox.pk)
        .filter(Q(practice_delivered_at=None) | Q(practice_delivered_at__lt=recent))
        .update(practice_delivered_at=now)
    )
    mailbox.practice_delivered_at = now
    return bool(claimed)


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
