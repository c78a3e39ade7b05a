from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from quizapp.accounts.demo import DEMO_ACCOUNTS
from quizapp.accounts.forms import SignupForm
from quizapp.accounts.signals import user_signed_up


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Visitors' practice lives in the session; it is claimed before login
        # rotates the session key.
        user_signed_up.send(sender=SignupForm, request=request, user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_safe_next(request) or "home")
    context = {"form": form, "next": _safe_next(request)}
    return render(request, "registration/signup.html", context)


def _safe_next(request) -> str:
    """Return the page to go to after sign-up (a join link), if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


class FacteurLoginView(LoginView):
    """Django's login, plus the demo accounts in DEBUG so a newcomer can try roles."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = DEMO_ACCOUNTS if settings.DEBUG else ()
        return context
