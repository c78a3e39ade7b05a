"""What each exercise's check does: probe or look into the mailbox, grade, store.

Called from a worker thread (runner.py). The probe runs in a helper thread with
its own event loop, while this thread saves each port as it arrives: Django's
ORM refuses to run inside an event loop, and the caller's thread is the one
whose database connection (and, in tests, whose transaction) must be used.
"""

import dataclasses
import email.parser
import email.policy
import queue
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from quizapp.lab.exercises import popimap, portmap, sendfetch
from quizapp.lab.models import LabMailbox, LabRun, PortCheck
from quizapp.lab.probe import MailboxCheck, PortResult, PortTarget, find_message, probe
from quizapp.lab.probe.imapcheck import MAX_SCANNED
from quizapp.lab.probe.transcript import clean_text
from quizapp.lab.server.store import MailStore, UnknownMessage

PER_PORT_TIMEOUT = 5.0
RUN_DEADLINE = 15.0  # the whole port map, every port included
MAILBOX_TIMEOUT = 10.0
_DONE = object()


def probe_streaming(
    targets: list[PortTarget], save: Callable[[PortResult], None], **options
) -> list[PortResult]:
    """Probe in a helper thread and call `save(result)` here, in this thread, per port.

    Raise whatever the probe raised (safety.TargetRefused before any connection).
    """
    arrived: queue.SimpleQueue = queue.SimpleQueue()

    def run() -> list[PortResult]:
        try:
            return probe(targets, on_result=arrived.put, **options)
        finally:
            arrived.put(_DONE)

    overall = options.get("overall_timeout", RUN_DEADLINE)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lab-probe") as helper:
        future = helper.submit(run)
        while (item := arrived.get(timeout=overall + 10)) is not _DONE:
            save(item)
        return future.result()


def check_port_map(run: LabRun) -> None:
    """Probe every port of the run's lab at once and grade each answer as results come."""
    lab = run.lab
    by_port = {check.port: check for check in run.ports.all()}
    grades: dict[int, portmap.PortGrade] = {}

    def save(result: PortResult) -> None:
        grades[result.port] = _save_port(by_port[result.port], result, run.answers)

    results = probe_streaming(
        [check.target(lab.host) for check in by_port.values()],
        save,
        allowed_networks=lab.probe_networks(),
        per_port_timeout=PER_PORT_TIMEOUT,
        overall_timeout=RUN_DEADLINE,
    )
    for result in results:  # ports cut off by the overall deadline never reached on_result
        if result.port not in grades:
            save(result)
    run.finish(portmap.grade_run(grades.values()))


def _save_port(check: PortCheck, result: PortResult, answers: dict) -> portmap.PortGrade:
    data = result.to_dict()
    check.transcript = data.pop("transcript")
    check.result = data
    grade = portmap.grade_port(answers.get(portmap.answer_key(check.port), {}), data)
    check.score, check.done = grade.score, True
    check.save(update_fields=["result", "transcript", "score", "done"])
    return grade


def _mailbox(run: LabRun) -> LabMailbox | None:
    return LabMailbox.objects.filter(user=run.user, lab=run.lab).first()


def _look(run: LabRun, mailbox: LabMailbox, token: str) -> MailboxCheck:
    """Look for messages whose subject has `token`, over IMAP, read-only."""
    service, port = run.lab.mailbox_service("imap")
    return find_message(
        host=run.lab.host,
        port=port,
        allowed_networks=run.lab.probe_networks(),
        username=mailbox.name,
        password=mailbox.password,
        token=token,
        implicit_tls=service.implicit_tls,
        timeout=MAILBOX_TIMEOUT,
    )


def _check_outcome(check: MailboxCheck) -> dict:
    return {
        "source": "imap",
        "messages": [
            {"uid": m.uid, "flags": m.flags, "subject": m.subject, "received": m.received()}
            for m in check.messages
        ],
        "transcript": [dataclasses.asdict(line) for line in check.transcript],
        "tls_version": check.tls.version if check.tls else "",
    }


def check_send_fetch(run: LabRun) -> None:
    """Find the trainee's token message over IMAP (BODY.PEEK) and read its path."""
    mailbox = _mailbox(run)
    if mailbox is None:
        run.fail("no_mailbox")
        return
    check = _look(run, mailbox, mailbox.send_token)
    outcome = _check_outcome(check)
    if check.error:
        run.fail("imap", {"code": check.error}, outcome)
        return
    verdict = sendfetch.grade_send_fetch([m.received() for m in check.messages])
    outcome["verdict"] = dataclasses.asdict(verdict)
    run.finish(verdict.grade, outcome)


def check_pop_vs_imap(run: LabRun) -> None:
    """Read what the server kept of the two practice messages, and grade it."""
    mailbox = _mailbox(run)
    if mailbox is None:
        run.fail("no_mailbox")
        return
    if run.lab.embedded:
        outcome = {"source": "store", "messages": _stored_messages(mailbox.name)}
    else:
        check = _look(run, mailbox, mailbox.practice_token)
        outcome = _check_outcome(check)
        if check.error:
            run.fail("imap", {"code": check.error}, outcome)
            return
    pairs = [(m["subject"], "\\Seen" in m["flags"]) for m in outcome["messages"]]
    first, second = popimap.states_from_subjects(mailbox.practice_token, pairs)
    delivered = mailbox.practice_delivered_at is not None
    verdict = popimap.grade_pop_vs_imap(first, second, delivered=delivered)
    outcome["verdict"] = dataclasses.asdict(verdict)
    run.finish(None if verdict.setup_missing else verdict.grade, outcome)


def _stored_messages(name: str) -> list[dict]:
    """Return the embedded lab mailbox's recent messages: uid, flags and subject."""
    store = MailStore(settings.LAB_DATA_DIR)
    found = []
    for info in store.messages(name)[-MAX_SCANNED:]:
        try:
            raw = store.read(name, info.uid)
        except UnknownMessage:  # deleted by POP3 between the index and the read
            continue
        found.append({"uid": info.uid, "flags": sorted(info.flags), "subject": _subject(raw)})
    return found


def _subject(raw: bytes) -> str:
    headers = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        raw, headersonly=True
    )
    return clean_text(str(headers.get("Subject", "")), 300)
