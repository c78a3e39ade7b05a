"""The privacy page, and the account page where a trainee downloads or deletes their data."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from quizapp.privacy import services
from quizapp.privacy.forms import DeleteAccountForm
from quizapp.privacy.registry import sources


def privacy_page(request):
    return render(request, "privacy/policy.html", {"sources": sources(), "nav": "privacy"})


@login_required
def account_page(request):
    form = DeleteAccountForm(user=request.user)
    return _account(request, form)


def _account(request, form, status: int = 200):
    context = {"form": form, "sources": sources(), "nav": "account"}
    return render(request, "privacy/account.html", context, status=status)


def _download(request, content: bytes, extension: str, content_type: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type=content_type)
    filename = f"facteur-{request.user.get_username()}-{stamp}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@cache_control(private=True, no_store=True)
def export_json(request):
    content = services.export_json(request.user)
    return _download(request, content, "json", "application/json")


@login_required
@cache_control(private=True, no_store=True)
def export_csv(request):
    return _download(request, services.export_zip(request.user), "zip", "application/zip")


@login_required
@require_http_methods(["POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account(request, form, status=400)
    user = request.user
    logout(request)
    services.erase_account(user=user, requested_by="self")
    messages.success(request, _("Your account is deleted. Thank you for practising with Facteur."))
    return redirect("home")
