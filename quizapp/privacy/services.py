"""A person's data: everything about them in one export, and the deletion of their account."""

import csv
import io
import json
import logging
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from quizapp.privacy.models import Erasure
from quizapp.privacy.registry import sources

logger = logging.getLogger(__name__)


def export_data(user) -> dict:
    """Return everything the registered apps hold about `user`, one list of rows per kind."""
    return {
        "exported_at": timezone.now(),
        "account_number": user.pk,
        **{source.name: source.export(user) for source in sources()},
    }


def export_json(user) -> bytes:
    return json.dumps(
        export_data(user), cls=DjangoJSONEncoder, indent=1, ensure_ascii=False
    ).encode()


def export_zip(user) -> bytes:
    """Return a ZIP of one CSV per kind of data, plus the files kept about `user` (lab mail)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for source in sources():
            archive.writestr(f"{source.name}.csv", _csv(source.export(user)))
            for path, content in source.files(user) if source.files else ():
                archive.writestr(f"files/{path}", content)
    return buffer.getvalue()


def _csv(rows: list[dict]) -> str:
    """Return rows as CSV; nested values (JSON answers) are written as JSON text."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    # A leading =, +, - or @ would be a formula for a spreadsheet that opens the file.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@transaction.atomic
def erase_account(*, user, requested_by: str) -> Erasure:
    """Delete `user`'s account as the privacy page says; log it; return the log entry.

    Every registered app erases or anonymises its rows, in reverse order of
    registration, then the account row goes. One transaction: a failure leaves
    the account whole. Files (lab mail) are removed once the transaction commits.
    """
    counts = {}
    for source in reversed(sources()):
        if source.erase:
            counts[source.name] = source.erase(user)
    user_pk = user.pk
    user.delete()
    erasure = Erasure.objects.create(user_pk=user_pk, requested_by=requested_by, counts=counts)
    logger.info("account %s erased at the request of %s: %s", user_pk, requested_by, counts)
    return erasure
