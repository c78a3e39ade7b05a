"""The trainee's side of groups: join by code or link, see one's groups, leave one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quizapp.groups import services
from quizapp.groups.forms import JoinForm
from quizapp.groups.ownership import get_group_for_trainee

PENDING_JOIN_KEY = "pending_join_code"


@require_http_methods(["GET", "POST"])
def join(request, code=""):
    """Join by typing a code (/join/) or following a link (/join/CODE/).

    A visitor is asked to sign up or log in; the code waits in their session
    and the group is joined as soon as they have an account.
    """
    form = JoinForm(request.POST or None, initial={"code": code})
    if code and request.method == "GET":
        form = JoinForm({"code": code})
    group, refusal = None, None
    if form.is_bound and form.is_valid():
        try:
            group = services.find_group(form.cleaned_data["code"])
        except services.JoinRefused as refused:
            refusal = refused.message
    if group and request.method == "POST" and request.user.is_authenticated:
        return _join_now(request, form.cleaned_data["code"])
    if group and not request.user.is_authenticated:
        request.session[PENDING_JOIN_KEY] = group.join_code
    member = group is not None and group.memberships.filter(trainee_id=request.user.pk).exists()
    context = {"form": form, "group": group, "refusal": refusal, "member": member}
    status = 400 if refusal or form.errors else 200
    return render(request, "groups/join.html", context, status=status)


def _join_now(request, code):
    try:
        group, joined = services.join_group(user=request.user, code=code)
    except services.JoinRefused as refused:
        form = JoinForm({"code": code})
        form.is_valid()
        context = {"form": form, "group": None, "refusal": refused.message, "member": False}
        return render(request, "groups/join.html", context, status=400)
    if joined:
        messages.success(request, _("You have joined the group “%(name)s”.") % {"name": group.name})
    else:
        messages.info(request, _("You are already in the group “%(name)s”.") % {"name": group.name})
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def leave(request, pk):
    group = get_group_for_trainee(request.user, pk)
    if request.method == "POST":
        services.leave_group(user=request.user, group=group)
        messages.success(request, _("You have left the group “%(name)s”.") % {"name": group.name})
        return redirect("home")
    return render(request, "groups/leave.html", {"group": group})
