"""Exercise 4's workflows: open a trainee's ticket, tell the lab server, start a graded answer."""

import logging
import random

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quizapp.lab import services as lab_services
from quizapp.lab.faults.catalogue import FAULT_BY_KEY, GREETING_DELAY, draw_fault, draw_params
from quizapp.lab.faults.endpoints import read_endpoints, write_endpoints
from quizapp.lab.faults.models import FaultTicket
from quizapp.lab.models import LabRun, LabServer

logger = logging.getLogger(__name__)

FIRST_PORT = 2600  # the lab's own roles use 25xx and 2xxx ports ending like the standard ones
PORT_COUNT = 300
MAX_TRIES = 8
_rng = random.SystemRandom()


def _port_range() -> range:
    first = getattr(settings, "LAB_FAULT_FIRST_PORT", FIRST_PORT)
    return range(first, first + getattr(settings, "LAB_FAULT_PORT_COUNT", PORT_COUNT))


def open_ticket_for(*, user, lab: LabServer) -> FaultTicket | None:
    return FaultTicket.objects.open().filter(user=user, lab=lab).first()


def _free_port(lab: LabServer) -> int:
    taken = set(FaultTicket.objects.open().values_list("port", flat=True)) | set(lab.ports())
    free = [port for port in _port_range() if port not in taken]
    if not free:
        raise lab_services.CheckRefused(
            _("Every fault endpoint of the lab is in use: ask your trainer."), 503
        )
    return _rng.choice(free[:20])  # near the start of the range, not always the same


def open_ticket(
    *, user, lab: LabServer, fault: str = "", by=None, rng: random.Random | None = None
) -> FaultTicket:
    """Close the trainee's open ticket on `lab` and open a new one; return it.

    The fault is `fault` when a trainer picks it, otherwise drawn at random and
    never the previous one. Two clicks at once leave one open ticket: the
    database refuses a second, and the loser returns the winner's.
    """
    if not lab.embedded:
        raise lab_services.CheckRefused(_("Only the site's own lab server serves broken set-ups."))
    rng = rng or _rng
    lab_services.mailbox_for(user=user, lab=lab)  # the investigation logs in as the trainee
    for _attempt in range(MAX_TRIES):
        try:
            with transaction.atomic():
                ticket = _replace_ticket(user, lab, fault, by, rng)
        except IntegrityError:
            continue  # a port taken meanwhile, or a ticket opened by the other click
        transaction.on_commit(publish_endpoints)
        return ticket
    ticket = open_ticket_for(user=user, lab=lab)
    if ticket is None:
        raise lab_services.CheckRefused(_("No fault endpoint could be opened now: try again."), 503)
    return ticket


def _replace_ticket(user, lab, fault_key, by, rng) -> FaultTicket:
    previous = FaultTicket.objects.select_for_update().open().filter(user=user, lab=lab).first()
    if previous is not None:
        previous.close()
    fault = (
        FAULT_BY_KEY[fault_key]
        if fault_key
        else draw_fault(rng, avoid=getattr(previous, "fault", ""))
    )
    delay = float(getattr(settings, "LAB_FAULT_GREETING_DELAY", GREETING_DELAY))
    params = draw_params(fault, rng, domain=lab.domain, greeting_delay=delay)
    return FaultTicket.objects.create(
        user=user, lab=lab, fault=fault.key, port=_free_port(lab), params=params, assigned_by=by
    )


def publish_endpoints() -> None:
    """Write every open ticket of the embedded labs to faults.json for the lab server.

    Rewritten whole from the database each time, under the file's lock, so the
    last writer always leaves the state of the last commit.
    """
    tickets = FaultTicket.objects.open().filter(lab__embedded=True).select_related("lab")
    write_endpoints(lab_services.data_dir(), [ticket.endpoint_entry() for ticket in tickets])


def start_diagnosis(*, user, lab: LabServer, ticket: FaultTicket, answer: dict) -> LabRun:
    """Admit a graded answer to `ticket` (a check, counted like the others); return the run."""
    answers = {"ticket": ticket.pk, **answer}
    return lab_services.start_run(user=user, lab=lab, kind=LabRun.Kind.DIAGNOSE, answers=answers)


def ensure_published(ticket: FaultTicket) -> None:
    """Publish again if the lab server's file lost this ticket (a wiped data directory)."""
    if ticket.lab.embedded and ticket.port not in read_endpoints(lab_services.data_dir()):
        publish_endpoints()
