import logging

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from quizapp.accounts.decorators import trainer_required
from quizapp.bank import formats, services
from quizapp.bank.formats.media import EXTENSIONS as MEDIA_EXTENSIONS
from quizapp.bank.forms import ImportForm, MappingForm
from quizapp.bank.models import Media, PendingImport
from quizapp.bank.native import BankImportError
from quizapp.bank.services import export_items

logger = logging.getLogger(__name__)


def _exports(questions: list[dict]) -> list[dict]:
    """Return, for each format, its download links and the items it cannot express."""
    return [
        {
            "name": name,
            "links": [
                {
                    "url": reverse("bank:export", kwargs={"format": code, "lang": lang}),
                    "label": get_language_info(lang)["name_local"].capitalize(),
                    "lang": lang,
                }
                for lang in formats.LANGS
            ],
            "skipped": formats.skipped(code, questions),
        }
        for code, name in formats.FORMATS.items()
    ]


def _page(request, form, *, errors=(), status=200):
    questions, _misconceptions = export_items()
    context = {
        "form": form,
        "errors": list(errors),
        "question_count": len(questions),
        "exports": _exports(questions),
    }
    return render(request, "bank/import_export.html", context, status=status)


@trainer_required
def import_export(request):
    """Show the import form and the export links; a sent file goes to its preview."""
    if request.method != "POST":
        return _page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [message for field in form.errors.values() for message in field]
        return _page(request, form, errors=errors, status=400)
    data = form.cleaned_data
    try:  # a file that cannot be read at all never gets a preview
        reading = formats.read_report(data["file"], data["format"] or None, strict=data["strict"])
    except BankImportError as error:
        return _page(request, form, errors=error.errors, status=400)
    if not reading.foreign:  # no topic to choose: its errors are final, say them now
        errors = services.preview(reading=reading, update=data["replace"])["errors"]
        if errors:
            return _page(request, form, errors=errors, status=400)
    PendingImport.objects.filter(trainer=request.user).delete()  # one file at a time
    pending = PendingImport.objects.create(
        trainer=request.user,
        filename=request.FILES["file"].name[:200],
        format=data["format"],
        text=data["file"],
        strict=data["strict"],
        replace=data["replace"],
    )
    return redirect("bank:preview", pk=pending.pk)


def _get_pending_for(request, pk) -> PendingImport:
    """Return the trainer's own file waiting for confirmation, or 404."""
    return get_object_or_404(PendingImport, pk=pk, trainer=request.user)


@trainer_required
@require_http_methods(["GET", "POST"])
def preview(request, pk):
    """Show what importing the file would do; import exactly that when confirmed."""
    pending = _get_pending_for(request, pk)
    reading = services.read_pending(pending, {})
    paths = reading.category_paths()
    remembered = services.remembered_mapping([path for path, _count in paths])
    form = MappingForm(paths, request.POST or None, initial_mapping=remembered)
    mapping = form.mapping()
    reading = services.read_pending(pending, mapping)
    report = services.preview(reading=reading, update=pending.replace)
    digest = services.report_digest(reading, report)
    notice, status = "", 200
    if request.method == "POST" and "confirm" in request.POST:
        if request.POST.get("digest") != digest:
            notice, status = _("What would be imported has changed: check it, then confirm."), 409
        elif form.is_valid() and not report["errors"] and not report["waiting"]:
            counts = services.confirm_import(pending=pending, reading=reading, mapping=mapping)
            if counts is None:  # the other click or tab imported it
                return redirect("bank:import_export")
            logger.info("%s imported questions: %s", request.user.get_username(), counts)
            message = _(
                "Import done: %(created)s created, %(updated)s replaced, %(kept)s kept, "
                "%(skipped)s skipped."
            )
            messages.success(request, message % counts)
            return redirect("bank:import_export")
        else:
            status = 400
    context = {
        "pending": pending,
        "reading": reading,
        "report": report,
        "form": form,
        "digest": digest,
        "notice": notice,
    }
    return render(request, "bank/import_preview.html", context, status=status)


@trainer_required
def export(request, format: str, lang: str):
    """Return the bank as a file to download; a header names the items left out."""
    if format not in formats.FORMATS or lang not in formats.LANGS:
        raise Http404
    questions, misconceptions = export_items()
    text, summary = formats.write(format, questions, misconceptions, lang)
    response = HttpResponse(text, content_type=f"{formats.CONTENT_TYPES[format]}; charset=utf-8")
    filename = f"facteur-questions-{lang}.{formats.EXTENSIONS[format]}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Facteur-Left-Out"] = ",".join(skipped.key for skipped in summary)
    logger.info("%s exported %s (%s)", request.user.get_username(), format, lang)
    return response


@require_GET
def media(request, name: str):
    """Return an imported image; its name is its SHA-256, so it never changes."""
    sha, _dot, extension = name.partition(".")
    image = get_object_or_404(Media, sha256=sha)
    if MEDIA_EXTENSIONS.get(image.content_type) != extension:
        raise Http404
    response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
