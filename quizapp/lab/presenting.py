"""Turn stored lab results into what the pages show, in the reader's language.

Everything that came from a server (greetings, transcript lines, certificate
names, headers) stays plain text here: the templates escape it.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizapp.lab.exercises import portmap, sendfetch
from quizapp.lab.models import LabMailbox, LabRun, LabServer, PortCheck
from quizapp.lab.probe import replycodes
from quizapp.lab.probe.i18n import translate
from quizapp.lab.probe.results import TranscriptLine
from quizapp.lab.probe.safety import MESSAGES as REFUSALS
from quizapp.lab.probe.transcript import note_text

ANSWER_PROTOCOLS = {
    "smtp": "SMTP",
    "pop3": "POP3",
    "imap": "IMAP",
    "none": gettext_lazy("Something else, or nothing"),
}
ANSWER_SECURITIES = {
    "plaintext": gettext_lazy("Plain text only"),
    "starttls": gettext_lazy("Plain text, STARTTLS offered"),
    "implicit_tls": gettext_lazy("Implicit TLS (TLS from the first byte)"),
    "closed": gettext_lazy("Closed, or no answer"),
}
RUN_ERRORS = {
    "internal": gettext_lazy("The check failed on our side; the error was logged. Try later."),
    "expired": gettext_lazy("The check never finished (the site was probably restarted)."),
    "no_mailbox": gettext_lazy("You have no mailbox on this lab."),
    "no_ticket": gettext_lazy("This answer belongs to no open ticket of yours."),
}
MAILBOX_ERRORS = {
    "greeting": gettext_lazy("The IMAP server did not greet as expected."),
    "no_tls": gettext_lazy(
        "The IMAP server refused STARTTLS, and the site never sends a password in clear text."
    ),
    "login_failed": gettext_lazy("The server refused your lab mailbox login."),
    "mailbox": gettext_lazy("The server would not open the INBOX."),
    "fetch": gettext_lazy("The server refused to list the messages."),
}
HOP_ROLES = {
    "submission": gettext_lazy(
        "MUA → MSA: a mail client handed the message to the submission service, after logging in."
    ),
    "unauthenticated": gettext_lazy(
        "Client → MTA: the message was handed over without logging in, as to a relay on "
        "port 25. A mail client should use submission (587 or 465) and log in."
    ),
    "relay": gettext_lazy("MTA → MTA: one mail server passed the message to the next."),
    "delivery": gettext_lazy("MTA → MDA: the delivery agent filed the message in the mailbox."),
    "untrusted": gettext_lazy(
        "Written before the message reached the lab: anyone can write a Received: header, so "
        "the lab does not take this one at its word."
    ),
}
SEND_VERDICTS = {
    "not_found": gettext_lazy(
        "No message with your token in its subject is in your INBOX yet. Send it, wait a "
        "few seconds, then check again."
    ),
    "submitted": gettext_lazy(
        "Your message arrived, and it came in through authenticated submission. Well done."
    ),
    "not_submitted": gettext_lazy(
        "Your message arrived, but not through authenticated submission: send it again "
        "through the submission port, after AUTH."
    ),
    "appended": gettext_lazy(
        "Your message is in the INBOX, but it was placed there with IMAP APPEND, not sent: "
        "send it through the submission port, after AUTH, as a mail client does."
    ),
}
FIRST_FINDINGS = {
    "gone": gettext_lazy(
        "Message 1 is no longer on the server: POP3 downloaded it and deleted it (DELE "
        "takes effect at QUIT)."
    ),
    "deleted_imap": gettext_lazy(
        "Message 1 is no longer on the server, but it was deleted over IMAP (\\Deleted then "
        "EXPUNGE), not downloaded by POP3. Send yourself the practice messages again and "
        "download message 1 with POP3 without leaving a copy (RETR then DELE, then QUIT)."
    ),
    "kept_seen": gettext_lazy(
        "Message 1 is still on the server, marked read: it was read, but a copy was left "
        "on the server."
    ),
    "kept_unseen": gettext_lazy(
        "Message 1 is still on the server, unread: it was not downloaded with POP3 without "
        "leaving a copy."
    ),
}
SECOND_FINDINGS = {
    "seen": gettext_lazy(
        "Message 2 is on the server with the \\Seen flag: IMAP keeps the read state there."
    ),
    "unseen": gettext_lazy(
        "Message 2 is on the server but not marked read yet: open it over IMAP."
    ),
    "gone": gettext_lazy("Message 2 is gone too: POP3 took it as well."),
}
FIRST_DEVICE = {
    "gone": gettext_lazy(
        "A second device (your phone) will never see message 1: it now exists only on the "
        "computer that downloaded it."
    ),
    "deleted_imap": gettext_lazy(
        "A second device will not see message 1 either: deleted over IMAP, it is gone for "
        "every client, and no computer kept a copy."
    ),
    "kept_seen": gettext_lazy("A second device still sees message 1: it stayed on the server."),
    "kept_unseen": gettext_lazy("A second device still sees message 1: it stayed on the server."),
}
SECOND_DEVICE = {
    "seen": gettext_lazy(
        "A second device shows message 2 as already read: with IMAP, every client shows "
        "the state kept on the server."
    ),
    "unseen": gettext_lazy(
        "A second device shows message 2 as unread: the read state lives on the server, "
        "and nobody has read it yet."
    ),
    "gone": gettext_lazy("A second device will not see message 2 either."),
}


def error_text(run: LabRun) -> str:
    """Return why a run failed, in the reader's language, or ""."""
    if not run.error:
        return ""
    if run.error in REFUSALS:
        return translate(REFUSALS[run.error], run.error_params)
    if run.error == "imap":
        code = run.error_params.get("code", "")
        reason = MAILBOX_ERRORS.get(code) or replycodes.explain_error(code)
        return f"{_('The site could not look into your mailbox.')} {reason}".strip()
    return str(RUN_ERRORS.get(run.error, RUN_ERRORS["internal"]))


def transcript_view(lines: list[dict], protocol: str) -> dict:
    """Return a dialogue's lines (notes translated) and the reply codes it used, explained."""
    shown, codes, seen = [], [], set()
    for data in lines:
        line = TranscriptLine(**data)
        shown.append({"direction": line.direction, "text": note_text(line), "tls": line.tls})
        if line.direction == "S" and line.status and line.status not in seen:
            seen.add(line.status)
            meaning = replycodes.explain(protocol, line.status)
            if meaning:
                codes.append({"status": line.status, "meaning": str(meaning)})
    return {"lines": shown, "codes": codes}


def _label(labels: dict, key: str) -> str:
    return str(labels.get(key, "")) if key else ""


def _cells(answer: dict, grade: portmap.PortGrade) -> list[dict]:
    halves = (
        (_("Protocol"), grade.protocol, ANSWER_PROTOCOLS),
        (_("Security"), grade.security, ANSWER_SECURITIES),
    )
    return [
        {
            "label": label,
            "given": _label(labels, cell.given) or _("no answer"),
            "expected": _label(labels, cell.expected or ""),
            "graded": cell.graded,
            "right": cell.right,
        }
        for label, cell, labels in halves
    ]


def _date(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _tls_view(tls: dict | None) -> dict | None:
    if not tls:
        return None
    certificate = tls.get("certificate")
    verification = tls.get("verification") or {}
    return {
        "established": tls["established"],
        "version": tls.get("version", ""),
        "cipher": tls.get("cipher", ""),
        "detail": tls.get("error_detail", ""),
        "certificate": certificate
        and {
            "subject": certificate["subject"],
            "issuer": certificate["issuer"],
            "not_before": _date(certificate["not_before"]),
            "not_after": _date(certificate["not_after"]),
            "self_signed": certificate["self_signed"],
            "fingerprint": certificate["fingerprint_sha256"],
        },
        "verified": verification.get("ok", False),
        "problems": [str(replycodes.explain_problem(p)) for p in verification.get("problems", [])],
    }


def _caps_view(label: str, caps: dict | None) -> dict | None:
    if caps is None:
        return None
    return {
        "label": label,
        "keywords": " ".join(caps["keywords"]),
        "auth": " ".join(caps["auth"]),
        "login_disabled": caps["login_disabled"],
    }


def _security_text(result: dict) -> str:
    text = str(replycodes.SECURITY.get(result["security"], ""))
    required = result.get("tls_required")
    if result["security"] != "starttls" or required is None:
        return text
    return f"{text}, {replycodes.TLS_REQUIRED[required]}"


def _found(result: dict) -> dict:
    protocol = result["protocol"]
    kind = result.get("other_kind", "")
    protocol_label = str(replycodes.PROTOCOLS.get(protocol, protocol))
    caps = [
        _caps_view(_("Before TLS"), result.get("capabilities_before")),
        _caps_view(_("After TLS"), result.get("capabilities_after")),
    ]
    return {
        "state": str(replycodes.STATES.get(result["state"], result["state"])),
        "protocol": f"{protocol_label} ({kind})" if kind else protocol_label,
        "security": _security_text(result),
        "upgrade": str(replycodes.UPGRADES.get(result["upgrade"], ""))
        if result["security"] == "starttls"
        else "",
        "software": result.get("software", ""),
        "error": str(replycodes.explain_error(result.get("error", ""))),
        "error_detail": result.get("error_detail", ""),
        "tls": _tls_view(result.get("tls")),
        "capabilities": [view for view in caps if view],
        "elapsed": result.get("elapsed", 0),
    }


def port_rows(run: LabRun, checks: list[PortCheck]) -> list[dict]:
    """Return one row per port of a port-map run: the answer, the finding, the dialogue."""
    rows = []
    for check in checks:
        answer = run.answers.get(portmap.answer_key(check.port), {})
        row = {"port": check.port, "done": check.done, "score": check.score}
        if check.done:
            grade = portmap.grade_port(answer, check.result)
            protocol = check.result.get("protocol", "")
            row.update(
                found=_found(check.result),
                cells=_cells(answer, grade),
                transcript=transcript_view(check.transcript, protocol),
            )
        else:
            row.update(found=None, cells=[], transcript=None)
        rows.append(row)
    return rows


def hop_rows(verdict: dict) -> list[dict]:
    """Return the hops of exercise 2's message, each with what its role means."""
    return [{**hop, "meaning": str(HOP_ROLES.get(hop["role"], ""))} for hop in verdict["hops"]]


def send_fetch_view(run: LabRun) -> dict | None:
    verdict = run.outcome.get("verdict")
    if run.kind != LabRun.Kind.SEND_FETCH or not verdict:
        return None
    return {"text": str(SEND_VERDICTS[verdict["code"]]), "hops": hop_rows(verdict)}


def pop_vs_imap_view(run: LabRun, mailbox: LabMailbox | None) -> dict | None:
    verdict = run.outcome.get("verdict")
    if run.kind != LabRun.Kind.POP_VS_IMAP or not verdict:
        return None
    if verdict["setup_missing"]:
        token = mailbox.practice_token if mailbox else "POP-…"
        text = _(
            "Neither practice message is in your mailbox. Put them there first, or send "
            "yourself two messages with %(first)s and %(second)s in their subjects."
        ) % {"first": f"[{token}-1]", "second": f"[{token}-2]"}
        return {"setup_missing": True, "text": text, "findings": []}
    first, second = verdict["first"], verdict["second"]
    findings = [
        {"server": str(FIRST_FINDINGS[first]), "device": str(FIRST_DEVICE[first])},
        {"server": str(SECOND_FINDINGS[second]), "device": str(SECOND_DEVICE[second])},
    ]
    return {"setup_missing": False, "text": "", "findings": findings}


def mailbox_transcript(run: LabRun) -> dict | None:
    lines = run.outcome.get("transcript")
    return transcript_view(lines, "imap") if lines else None


def _starttls_word(protocol: str) -> str:
    return {"smtp": "smtp", "pop3": "pop3", "imap": "imap"}[protocol]


def _command(lab: LabServer, protocol: str) -> str:
    found = lab.mailbox_service(protocol)
    if found is None:
        return ""
    service, port = found
    return sendfetch.openssl_command(
        lab.host, port, None if service.implicit_tls else _starttls_word(protocol)
    )


def exercise_steps(lab: LabServer, mailbox: LabMailbox | None) -> dict:
    """Return what the guided steps of exercises 2 and 3 need: commands and credentials."""
    smtp = _command(lab, "smtp")
    steps = {
        "smtp_command": smtp,
        "smtp_starttls": "-starttls" in smtp,
        "pop3_command": _command(lab, "pop3"),
        "imap_command": _command(lab, "imap"),
        "fingerprint_command": "",
        "auth_plain": "",
        "first_marker": "",
        "second_marker": "",
    }
    if smtp:
        steps["fingerprint_command"] = (
            smtp.replace(" -crlf -ign_eof", "")
            + " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
        )
    if mailbox is not None:
        steps["auth_plain"] = sendfetch.auth_plain(mailbox.address, mailbox.password)
        steps["first_marker"] = f"[{mailbox.practice_token}-1]"
        steps["second_marker"] = f"[{mailbox.practice_token}-2]"
    return steps
