from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, PasswordResetView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from quizapp.accounts.demo import DEMO_ACCOUNTS
from quizapp.accounts.forms import SignupForm
from quizapp.accounts.signals import user_signed_up
from quizapp.accounts.tasks import send_password_reset


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
        # A visitor sent here from the lab is told why an account is needed there.
        context["for_lab"] = self.get_redirect_url().startswith(reverse("lab:index"))
        return context


class FacteurPasswordResetView(PasswordResetView):
    """Django's reset form, with the mail (and the account lookup) handed to a task."""

    def form_valid(self, form):
        send_password_reset.enqueue(
            email=form.cleaned_data["email"],
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
            language=translation.get_language(),
        )
        return redirect(self.get_success_url())


def locked_out(request, original_response=None, credentials=None):
    """Say, in the reader's language, why logging in is paused and for how long (429)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
