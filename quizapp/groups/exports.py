"""The dashboard table and the raw answers as CSV or XLSX, headers in the interface language.

CSV is UTF-8 with a BOM and `;` between fields, which French Excel opens as
is (`?sep=comma` for the other tools); decimals use the interface language's
separator. Both formats stream: the answers are read in chunks by an
iterator, CSV lines go out as they are made, and openpyxl's write-only
workbook spills rows to a temporary file, so memory stays flat whatever the size.
"""

import csv
import tempfile

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from quizapp.accounts.decorators import trainer_required
from quizapp.groups.dashboard import trainee_rows
from quizapp.groups.ownership import get_group_for_trainer
from quizapp.groups.readiness import BANDS
from quizapp.practice.models import Answer

CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_rows(group, *, now):
    """Yield the dashboard table: a header row, then one row per trainee."""
    topics, rows = trainee_rows(group, now=now)
    header = [_("Trainee")]
    for topic in topics:
        header += [
            _("%(topic)s: mastery %%") % {"topic": topic.name},
            _("%(topic)s: level") % {"topic": topic.name},
            _("%(topic)s: answers") % {"topic": topic.name},
        ]
    header += [
        _("Answers"),
        _("Answers in the last 7 days"),
        _("Last activity"),
        _("Reviews overdue"),
        _("Lab exercises passed"),
        _("Readiness %"),
        _("Readiness"),
    ]
    yield header
    for row in rows:
        line = [row.trainee.get_username()]
        for cell in row.cells:
            line += [cell.percent if cell.answers else None, cell.level_label, cell.answers]
        line += [
            row.answers,
            row.week_answers,
            timezone.localtime(row.last_activity).replace(tzinfo=None)
            if row.last_activity
            else None,
            row.overdue,
            row.lab_passed,
            None if row.readiness is None else round(100 * row.readiness),
            str(BANDS[row.band]),
        ]
        yield line


ANSWER_FIELDS = (
    "learner__user__username",
    "question__key",
    "question__main_topic__slug",
    "question__type",
    "score",
    "correct",
    "misconceptions",
    "time_taken_ms",
    "answered_at",
    "source",
)


def answer_rows(group):
    """Yield the group's answers, one row each, oldest first, read CHUNK rows at a time."""
    yield [
        _("Trainee"),
        _("Group"),
        _("Question key"),
        _("Topic"),
        _("Type"),
        _("Score"),
        _("Correct"),
        _("Misconceptions"),
        _("Time (s)"),
        _("Date"),
        _("Source"),
    ]
    sources = dict(Answer.Source.choices)
    answers = (
        Answer.objects.filter(learner__user__memberships__group=group)
        .order_by("answered_at", "pk")
        .values_list(*ANSWER_FIELDS)
    )
    rows = answers.iterator(chunk_size=CHUNK)
    for user, key, topic, kind, score, correct, misconceptions, ms, when, source in rows:
        yield [
            user,
            group.name,
            key,
            topic,
            kind,
            score,
            _("yes") if correct else _("no"),
            " ".join(misconceptions),
            None if ms is None else round(ms / 1000, 1),
            timezone.localtime(when).replace(tzinfo=None),
            str(sources.get(source, source)),
        ]


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value, decimal: str):
    if value is None:
        return ""
    if isinstance(value, float):
        return str(value).replace(".", decimal)
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def csv_response(rows, filename: str, *, delimiter: str) -> StreamingHttpResponse:
    decimal = get_format("DECIMAL_SEPARATOR") if delimiter == ";" else "."
    writer = csv.writer(_Echo(), delimiter=delimiter)
    language = translation.get_language()

    def lines():
        # Streaming runs after the middleware has returned: keep the request's language.
        with translation.override(language):
            yield "\ufeff"
            for row in rows:
                yield writer.writerow([_csv_cell(v, decimal) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows, filename: str, title: str) -> FileResponse:
    from openpyxl import Workbook  # imported here: only exports need it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(row)
    spooled = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    workbook.save(spooled)
    spooled.seek(0)
    return FileResponse(spooled, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


@trainer_required
def export(request, pk, what, fmt):
    group = get_group_for_trainer(request.user, pk)
    if what == "table":
        rows, title = table_rows(group, now=timezone.now()), _("Dashboard")
    elif what == "answers":
        rows, title = answer_rows(group), _("Answers")
    else:
        raise Http404
    stem = f"group-{group.pk}-{what}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        delimiter = "," if request.GET.get("sep") == "comma" else ";"
        return csv_response(rows, f"{stem}.csv", delimiter=delimiter)
    if fmt == "xlsx":
        return xlsx_response(rows, f"{stem}.xlsx", title)
    raise Http404
