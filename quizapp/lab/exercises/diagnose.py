"""Exercise 4, diagnose a broken set-up: the trainee names the fault and the fix; the grade.

Half the grade for the diagnosis, half for the fix: the setting to change and,
where the fault decides it, the value (the name the certificate gives, a port
that takes a login, a timeout longer than the server's delay). A fix that
would work but is not the one asked (another submission port) counts.
"""

import dataclasses
import re
from collections.abc import Mapping

# The diagnoses offered: every fault's, plus the usual wrong guesses.
DIAGNOSES = (
    "implicit_tls",
    "cert_name",
    "password_expired",
    "wrong_password",
    "over_quota",
    "relay_denied",
    "pop3_deletes",
    "slow_greeting",
    "mx_wrong",
    "server_down",
)
SETTINGS = (
    "security",
    "port",
    "server",
    "password",
    "authentication",
    "leave_copy",
    "mailbox_space",
    "timeout",
    "mx_record",
)
# The settings whose change fixes each fault.
FIX_SETTINGS = {
    "implicit_tls": {"security", "port"},
    "cert_name": {"server"},
    "password_expired": {"password"},
    "over_quota": {"mailbox_space"},
    "relay_denied": {"port"},
    "pop3_deletes": {"leave_copy"},
    "slow_greeting": {"timeout"},
    "mx_wrong": {"mx_record"},
}
SECURITY_WORDS = {
    "ssl/tls": "implicit",
    "ssl": "implicit",
    "tls": "implicit",
    "implicit tls": "implicit",
    "tls implicite": "implicit",
    "starttls": "starttls",
    "none": "none",
    "aucune": "none",
}


@dataclasses.dataclass(frozen=True)
class Answer:
    diagnosis: str
    setting: str
    value: str = ""


@dataclasses.dataclass(frozen=True)
class DiagnosisVerdict:
    grade: float
    diagnosis_right: bool
    fix_right: bool
    fix_code: str  # right, wrong_setting, wrong_value


def _number(value: str) -> float | None:
    found = re.search(r"\d+(?:[.,]\d+)?", value)
    return float(found[0].replace(",", ".")) if found else None


def _value_right(fault: str, setting: str, value: str, context: Mapping) -> bool:
    """Return whether `value` is right for the fix of `fault` (context: params and lab ports)."""
    cleaned = value.strip().lower().rstrip(".")
    if fault == "implicit_tls" and setting == "security":
        return SECURITY_WORDS.get(cleaned) == "implicit"
    if fault == "implicit_tls" and setting == "port":
        return _number(cleaned) == context.get("submission_port")
    if fault == "cert_name":
        return cleaned == str(context["certificate_name"]).lower()
    if fault == "relay_denied":
        ports = {context.get("submission_port"), context.get("submissions_port")} - {None}
        return _number(cleaned) in ports
    if fault == "mx_wrong":
        # "mail.lab.example" or a whole record value such as "10 mail.lab.example."
        return bool(cleaned) and cleaned.split()[-1] == f"mail.{context['domain']}".lower()
    if fault == "slow_greeting":
        seconds = _number(cleaned)
        return seconds is not None and seconds > float(context["delay"])
    return True  # the setting alone is the fix (a new password, space, leave a copy)


def grade_diagnosis(fault: str, answer: Answer, context: Mapping) -> DiagnosisVerdict:
    """Grade an answer for `fault`: 0.5 for the diagnosis, 0.5 for the fix."""
    diagnosis_right = answer.diagnosis == fault
    if answer.setting not in FIX_SETTINGS[fault]:
        fix_code = "wrong_setting"
    elif not _value_right(fault, answer.setting, answer.value, context):
        fix_code = "wrong_value"
    else:
        fix_code = "right"
    fix_right = fix_code == "right"
    return DiagnosisVerdict(
        0.5 * diagnosis_right + 0.5 * fix_right, diagnosis_right, fix_right, fix_code
    )
