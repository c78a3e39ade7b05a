"""The « Attestation de préparation »: a signed verification code, a PDF, a public check.

The code is a random token and an HMAC of it under the site's secret key: a forged or
altered code fails the HMAC before any database lookup, and a withdrawn one is refused.
The PDF is typeset by Typst (its compiler ships in the `typst` wheel) from
`templates/exams/certificate.typ`; every value reaches it as a `sys.inputs` string, never
as markup, so a name cannot inject Typst code.
"""

import hmac
import io
import secrets
from pathlib import Path

import segno
import typst
from django.conf import settings
from django.utils import formats
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from quizapp.exams import reports
from quizapp.exams.models import Attempt, Certificate

SALT = "facteur.exams.certificate"
TEMPLATE = Path(settings.BASE_DIR) / "templates" / "exams" / "certificate.typ"


def _mac(token: str) -> str:
    return salted_hmac(SALT, token, algorithm="sha256").hexdigest()[:12].upper()


def new_code() -> str:
    """Return a fresh verification code: token and its HMAC, as XXXX-XXXX-MAC."""
    token = secrets.token_hex(4).upper()
    return f"{token[:4]}-{token[4:]}-{_mac(token)}"


def is_genuine(code: str) -> bool:
    """Return True if the code's HMAC matches its token (compared in constant time)."""
    parts = code.upper().split("-")
    if len(parts) != 3:
        return False
    return hmac.compare_digest(_mac(parts[0] + parts[1]), parts[2])


def verified(code: str) -> Certificate | None:
    """Return the certificate of a genuine, issued and not withdrawn code, else None."""
    if not is_genuine(code):
        return None
    certificate = (
        Certificate.objects.select_related("attempt__exam")
        .filter(code=code.upper(), withdrawn_at=None)
        .first()
    )
    return certificate


def issue(attempt: Attempt) -> Certificate:
    """Return the certificate of a passed attempt, creating it on first need."""
    name = attempt.user.get_full_name() or attempt.user.get_username()
    certificate, _created = Certificate.objects.get_or_create(
        attempt=attempt, defaults={"code": new_code(), "holder_name": name}
    )
    return certificate


def withdraw(certificate: Certificate, *, now) -> None:
    """Take the certificate out of public verification (the trainee's choice)."""
    if certificate.withdrawn_at is None:
        certificate.withdrawn_at = now
        certificate.save(update_fields=["withdrawn_at"])


def qr_svg(url: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2)
    return out.getvalue().decode()


def render_pdf(certificate: Certificate, *, verify_url: str, language: str = "fr") -> bytes:
    """Return the certificate as PDF bytes (French by default: the assessment's language)."""
    return typst.compile(str(TEMPLATE), sys_inputs=_inputs(certificate, verify_url, language))


def render_png(certificate: Certificate, *, verify_url: str, language: str = "fr") -> bytes:
    """Return the first page as a PNG, to look at the rendering."""
    inputs = _inputs(certificate, verify_url, language)
    return typst.compile(str(TEMPLATE), format="png", ppi=72, sys_inputs=inputs)


def _inputs(certificate: Certificate, verify_url: str, language: str) -> dict[str, str]:
    attempt = certificate.attempt
    with override(language):
        topics = reports.topic_rows(attempt, list(attempt.items.select_related("question")))
        lines = "\n".join(f"{row.name}\t{row.percent}\u00a0%" for row in topics)
        return {
            "lang": language,
            "heading": _("Certificate of preparation"),
            "name": certificate.holder_name,
            "exam_label": _("Exam"),
            "exam": attempt.exam.title,
            "date_label": _("Date"),
            "date": formats.date_format(attempt.finished_at, "DATE_FORMAT"),
            "score_label": _("Score"),
            "score": f"{round(100 * attempt.score)}\u00a0%",
            "result_label": _("Result"),
            "result": _("Passed"),
            "topics_label": _("Result per topic"),
            "topics": lines,
            "code_label": _("Verification code"),
            "code": certificate.code,
            "url": verify_url,
            "qr": qr_svg(verify_url),
            "note": _(
                "This certificate attests preparation on Facteur's mock exam; "
                "it is not the official assessment."
            ),
        }
