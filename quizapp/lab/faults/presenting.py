"""Exercise 4 in the reader's language: the ticket, the answer's labels, the graded evidence."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizapp.lab.exercises import diagnose
from quizapp.lab.faults.catalogue import server_log
from quizapp.lab.faults.evidence import FAULT_NOTES
from quizapp.lab.faults.models import FaultTicket
from quizapp.lab.models import LabMailbox, LabRun
from quizapp.lab.probe.i18n import translate
from quizapp.lab.probe.results import TranscriptLine
from quizapp.lab.probe.transcript import note_text

DIAGNOSIS_LABELS = {
    "implicit_tls": gettext_lazy(
        "The port speaks TLS from the first byte (implicit TLS), while the client waits for "
        "a clear-text greeting to send STARTTLS."
    ),
    "cert_name": gettext_lazy(
        "The server's certificate is for another name than the server the client was given."
    ),
    "password_expired": gettext_lazy(
        "The password is right but has expired: the server refuses the login."
    ),
    "wrong_password": gettext_lazy("The password typed in the client is wrong."),
    "over_quota": gettext_lazy("The recipient's mailbox is full (over quota)."),
    "relay_denied": gettext_lazy(
        "The client sends through the relay (the port 25 role) without logging in, so mail "
        "to other domains is refused."
    ),
    "pop3_deletes": gettext_lazy(
        "A POP3 client on another device downloads the messages and deletes them from the server."
    ),
    "slow_greeting": gettext_lazy("The server greets later than the client is willing to wait."),
    "mx_wrong": gettext_lazy(
        "The domain's MX record names a host that has no address, so other servers cannot "
        "deliver to it."
    ),
    "server_down": gettext_lazy("Nothing answers on that port: the server is down."),
}
SETTING_LABELS = {
    "security": gettext_lazy("Connection security (SSL/TLS, STARTTLS)"),
    "port": gettext_lazy("Port"),
    "server": gettext_lazy("Server name"),
    "password": gettext_lazy("Password (the user sets a new one)"),
    "authentication": gettext_lazy("Authentication"),
    "leave_copy": gettext_lazy("Leave a copy of messages on the server (or switch to IMAP)"),
    "mailbox_space": gettext_lazy("Space in the mailbox (delete or archive, or a bigger quota)"),
    "timeout": gettext_lazy("Server timeout (seconds)"),
    "mx_record": gettext_lazy("The domain's MX record (DNS)"),
}
STORIES = {
    "mx_wrong": gettext_lazy(
        "Since the domain's DNS was moved, mail from outside to @%(domain)s never arrives; "
        "senders get it back with “Host or domain name not found”. Mail between colleagues "
        "still works. The domain's DNS server answers on %(host)s, port %(port)s: ask it."
    ),
    "implicit_tls": gettext_lazy(
        "%(person)s cannot send any more. Outgoing server: %(host)s, port %(port)s, "
        "connection security STARTTLS, normal password. After a long wait the mail client "
        "says the connection timed out."
    ),
    "cert_name": gettext_lazy(
        "Each time %(person)s opens the mail client, it warns that the server's certificate "
        "is not valid for this server. Incoming server: IMAP, %(host)s, port %(port)s, SSL/TLS."
    ),
    "password_expired": gettext_lazy(
        "Since this morning the mail client of %(person)s keeps asking for the password when "
        "sending, though it is the same as always. Outgoing server: %(host)s, port %(port)s, "
        "STARTTLS, normal password. Log in with your lab address and password: here they "
        "stand for those of %(person)s."
    ),
    "over_quota": gettext_lazy(
        "Colleagues' messages to %(address)s come back undelivered. Try to deliver a message "
        "to that address on %(host)s, port %(port)s, as another mail server would (no login)."
    ),
    "relay_denied": gettext_lazy(
        "%(person)s can write to colleagues @%(domain)s but not to %(outside)s: the message "
        "is refused. Outgoing server: %(host)s, port %(port)s, no authentication."
    ),
    "pop3_deletes": gettext_lazy(
        "Since the new office PC was set up, the phone of %(person)s shows an empty mailbox, "
        "and new messages vanish from it within minutes. The mailbox is on %(host)s, port "
        "%(port)s (POP3 with STLS): log in with your lab address and password, which stand "
        "for those of %(person)s. The server's log shows the office PC's last session."
    ),
    "slow_greeting": gettext_lazy(
        "On the reception PC the mail client gives up sending: the server did not answer in "
        "time. Its server timeout is %(timeout)s s. Outgoing server: %(host)s, port %(port)s, "
        "STARTTLS."
    ),
}
EXPLANATIONS = {
    "mx_wrong": gettext_lazy(
        "A sending server asks DNS for the domain's MX, then for the address of the host it "
        "names. Here the MX names %(old_mx)s, which does not exist (NXDOMAIN), so delivery "
        "fails, while mail.%(domain)s has an address. Fix: the MX record of %(domain)s must "
        "name mail.%(domain)s."
    ),
    "implicit_tls": gettext_lazy(
        "The client connected and waited for the 220 greeting before sending STARTTLS, but "
        "this port speaks TLS from the first byte: each side waited for the other. Fix: "
        "connection security SSL/TLS on this port, or STARTTLS on the submission port "
        "(%(submission)s)."
    ),
    "cert_name": gettext_lazy(
        "The certificate names %(name)s, and a client checks it against the server name it "
        "was given (%(host)s): they differ, so it warns. Fix: the server name %(name)s, the "
        "name in the certificate. Accepting the warning blindly would also accept an impostor."
    ),
    "password_expired": gettext_lazy(
        "535 5.7.8 means the credentials were refused, and the text says why: the password "
        "has expired. Typing it again will not help. Fix: the user sets a new password, then "
        "types it in the client."
    ),
    "over_quota": gettext_lazy(
        "452 4.2.2 (or 552 5.2.2) is RFC 3463's “mailbox full”: the server takes no more "
        "for this recipient. Fix: free space in the mailbox (delete or archive, empty the "
        "bin) or a bigger quota."
    ),
    "relay_denied": gettext_lazy(
        "The port 25 role is for servers talking to servers: it takes mail for its own domain "
        "and offers no AUTH, and 554 5.7.1 refuses to pass mail on to another domain for an "
        "unknown client. Fix: the submission port, %(submission)s with STARTTLS or "
        "%(submissions)s with SSL/TLS, and a login with normal password."
    ),
    "pop3_deletes": gettext_lazy(
        "The server holds nothing (STAT: 0 messages), and its log shows the office PC's POP3 "
        "session deleting every message it downloaded (del=%(count)s/%(count)s). Fix: on the "
        "PC, tick “leave a copy of messages on the server”, or better, set every device to IMAP."
    ),
    "slow_greeting": gettext_lazy(
        "The server answered, but its greeting came after %(delay)s s, later than the client "
        "waits. Fix: a server timeout longer than that in the client, and a word to whoever "
        "runs the server: a slow greeting is often a reverse DNS lookup timing out."
    ),
}
FIX_VERDICTS = {
    "right": gettext_lazy("Your fix is right."),
    "wrong_setting": gettext_lazy("That setting does not fix this fault."),
    "wrong_value": gettext_lazy("The right setting, but not a value that fixes it."),
}


def _command_lines(ticket: FaultTicket, host: str, address: str) -> list[str]:
    port, fault = ticket.port, ticket.catalogue_fault
    if fault.service == "imap":
        return [
            f"openssl s_client -connect {host}:{port} -verify_hostname {host} -crlf -ign_eof",
        ]
    if fault.service == "dns":
        domain = ticket.lab.domain
        return [
            f"dig @{host} -p {port} {domain} MX",
            f"dig @{host} -p {port} mail.{domain} A",
            f"nslookup -port={port} -type=MX {domain} {host}",
        ]
    if fault.service == "pop3":
        return [f"openssl s_client -starttls pop3 -connect {host}:{port} -crlf -ign_eof"]
    return [
        f"nc -v {host} {port}",
        f"openssl s_client -connect {host}:{port} -crlf -ign_eof",
        f"openssl s_client -starttls smtp -connect {host}:{port} -crlf -ign_eof",
        f"swaks --server {host} --port {port} --tls --auth-user {address} --to {address}",
        f"swaks --server {host} --port {port} --to {address}",
    ]


def ticket_view(ticket: FaultTicket, mailbox: LabMailbox | None) -> dict:
    """Return the ticket as the trainee reads it: the call, where to look, with what."""
    lab = ticket.lab
    address = mailbox.address if mailbox else f"name@{lab.domain}"
    params = ticket.params
    values = {
        "person": params.get("person", "").capitalize(),
        "host": lab.host,
        "port": ticket.port,
        "domain": lab.domain,
        "address": f"{params.get('mailbox', '')}@{lab.domain}",
        "outside": params.get("outside", ""),
        "timeout": params.get("client_timeout", ""),
    }
    log = server_log(params, address) if ticket.fault == "pop3_deletes" else []
    return {
        "ticket": ticket,
        "story": str(STORIES[ticket.fault]) % values,
        "log": log,
        "commands": _command_lines(ticket, lab.host, address),
        "picked_by_trainer": ticket.assigned_by_id is not None,
    }


def _evidence_lines(outcome: dict) -> list[dict]:
    """Return the investigation's lines, our notes translated, the proof lines marked."""
    proof = set(outcome.get("proof", []))
    lines = []
    for index, data in enumerate(outcome.get("evidence", [])):
        line = TranscriptLine(**data)
        if line.note in FAULT_NOTES:
            text = translate(FAULT_NOTES[line.note], line.params)
        else:
            text = note_text(line)
        lines.append(
            {"direction": line.direction, "text": text, "tls": line.tls, "proof": index in proof}
        )
    return lines


def _explanation(run: LabRun, fault: str) -> str:
    ticket = FaultTicket.objects.filter(pk=run.outcome.get("ticket")).first()
    params = ticket.params if ticket else {}
    values = {
        "submission": run.lab.submission_port or "—",
        "submissions": run.lab.submissions_port or "—",
        "name": params.get("certificate_name", ""),
        "host": run.lab.host,
        "count": params.get("messages", ""),
        "delay": params.get("delay", ""),
        "domain": run.lab.domain,
        "old_mx": f"{params.get('old_mx', '')}.{run.lab.domain}",
    }
    return str(EXPLANATIONS[fault]) % values


def diagnosis_view(run: LabRun) -> dict | None:
    """Return a graded diagnosis: the answer, right or wrong, the proof, the explanation."""
    verdict = run.outcome.get("verdict")
    if run.kind != LabRun.Kind.DIAGNOSE or not verdict:
        return None
    fault = run.outcome["fault"]
    return {
        "given": str(DIAGNOSIS_LABELS.get(run.answers.get("diagnosis", ""), _("no answer"))),
        "expected": str(DIAGNOSIS_LABELS[fault]),
        "diagnosis_right": verdict["diagnosis_right"],
        "setting": str(SETTING_LABELS.get(run.answers.get("setting", ""), "")),
        "value": run.answers.get("value", ""),
        "fix_right": verdict["fix_right"],
        "fix_text": str(FIX_VERDICTS[verdict["fix_code"]]),
        "explanation": _explanation(run, fault),
        "lines": _evidence_lines(run.outcome),
    }


def diagnosis_choices() -> list[tuple[str, str]]:
    return [(key, DIAGNOSIS_LABELS[key]) for key in diagnose.DIAGNOSES]


def setting_choices() -> list[tuple[str, str]]:
    return [(key, SETTING_LABELS[key]) for key in diagnose.SETTINGS]


def section(lab, mailbox: LabMailbox | None, user, form) -> dict:
    """Return what the lab page's exercise 4 section shows: the open ticket and the form."""
    from quizapp.lab.faults import services

    ticket = services.open_ticket_for(user=user, lab=lab) if lab.embedded else None
    if ticket is not None:
        services.ensure_published(ticket)
    return {
        "available": lab.embedded and mailbox is not None,
        "ticket": ticket_view(ticket, mailbox) if ticket else None,
        "form": form,
    }
