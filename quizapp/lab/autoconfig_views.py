"""Where mail clients fetch the lab's settings on their own, and the trainee's own profile.

Thunderbird asks, for an address `x@<domain>`, for
`https://autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=x@<domain>` and
`https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml`; Outlook posts to
`/autodiscover/autodiscover.xml`. These answers carry no secret (host, ports,
TLS): they are public, as a mail provider's are, and never say whether an
address has a mailbox.
"""

from defusedxml import ElementTree as SafeET
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from quizapp.lab import autoconfig, services
from quizapp.lab.models import LabServer

XML = "application/xml; charset=utf-8"
MAX_AUTODISCOVER_BODY = 10_000


def _lab_for_domain(domain: str) -> LabServer:
    """Return the active lab of a mail domain (the embedded one first), or 404."""
    lab = (
        LabServer.objects.active()
        .filter(domain__iexact=domain.strip().rstrip("."))
        .order_by("-embedded", "name")
        .first()
    )
    if lab is None:
        raise Http404
    return lab


def _domain_of(address: str) -> str:
    local, at, domain = address.strip().rpartition("@")
    return domain if at and local and domain else ""


def _requested_domain(request) -> str:
    address = request.GET.get("emailaddress", "")
    if address:
        return _domain_of(address)
    # Without an address, the host asked for names the domain (autoconfig.<domain>).
    host = request.get_host().rsplit(":", 1)[0].lower()
    return host.removeprefix("autoconfig.")


@require_GET
@cache_control(public=True, max_age=300)
def thunderbird(request):
    domain = _requested_domain(request)
    if not domain:
        return HttpResponseBadRequest(_("Give an e-mail address such as name@lab.example."))
    lab = _lab_for_domain(domain)
    docs = request.build_absolute_uri(lab.get_absolute_url())
    return HttpResponse(autoconfig.thunderbird_xml(lab, documentation_url=docs), content_type=XML)


@login_required
@require_GET
def lab_thunderbird(request, pk):
    lab = get_object_or_404(LabServer.objects.open_to(request.user), pk=pk)
    docs = request.build_absolute_uri(lab.get_absolute_url())
    return HttpResponse(autoconfig.thunderbird_xml(lab, documentation_url=docs), content_type=XML)


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def apple_profile(request, pk):
    lab = get_object_or_404(LabServer.objects.open_to(request.user), pk=pk)
    mailbox = services.mailbox_for(user=request.user, lab=lab)
    profile = autoconfig.apple_profile(lab, mailbox.address) if mailbox else None
    if profile is None:
        raise Http404
    response = HttpResponse(profile, content_type="application/x-apple-aspen-config")
    response["Content-Disposition"] = f'attachment; filename="facteur-lab-{lab.pk}.mobileconfig"'
    return response


def _autodiscover_address(body: bytes) -> str:
    """Return the EMailAddress of an Autodiscover request, or "" (any namespace)."""
    try:
        root = SafeET.fromstring(body)
    except (SafeET.ParseError, ValueError):
        return ""
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "EMailAddress" and element.text:
            return element.text.strip()
    return ""


@csrf_exempt  # Outlook posts without a session or a token; nothing is written
@require_http_methods(["POST"])
def outlook(request):
    if len(request.body) > MAX_AUTODISCOVER_BODY:
        return HttpResponseBadRequest(_("This Autodiscover request is too long."))
    address = _autodiscover_address(request.body)
    if not _domain_of(address):
        return HttpResponseBadRequest(_("The Autodiscover request names no e-mail address."))
    lab = _lab_for_domain(_domain_of(address))
    return HttpResponse(autoconfig.autodiscover_xml(lab, address), content_type=XML)
