import logging

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quizapp.accounts.decorators import trainer_required
from quizapp.bank import formats
from quizapp.bank.formats.media import EXTENSIONS as MEDIA_EXTENSIONS
from quizapp.bank.forms import ImportForm
from quizapp.bank.models import Media
from quizapp.bank.native import BankImportError
from quizapp.bank.services import export_items, import_questions

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


def _import(request, data: dict) -> dict[str, int]:
    topics = [data["topic"].slug] if data["topic"] else []
    questions, misconceptions = formats.read(
        data["file"], data["format"] or None, default_topics=topics
    )
    counts = import_questions(
        questions=questions, misconceptions=misconceptions, update=data["replace"]
    )
    logger.info("%s imported questions: %s", request.user.get_username(), counts)
    return counts


@trainer_required
def import_export(request):
    """Show the import form and the export links; import a file all or nothing."""
    errors, status, form = [], 200, ImportForm()
    if request.method == "POST":
        form, status = ImportForm(request.POST, request.FILES), 400
        if form.is_valid():
            try:
                counts = _import(request, form.cleaned_data)
            except BankImportError as error:
                errors = error.errors
            else:
                message = _(
                    "Import done: %(created)s created, %(updated)s replaced, %(kept)s kept."
                )
                messages.success(request, message % counts)
                return redirect("bank:import_export")
        else:
            errors = [message for field in form.errors.values() for message in field]
    questions, _misconceptions = export_items()
    context = {
        "form": form,
        "errors": errors,
        "question_count": len(questions),
        "exports": _exports(questions),
    }
    return render(request, "bank/import_export.html", context, status=status)


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
