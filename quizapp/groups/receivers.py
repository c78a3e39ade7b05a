from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from quizapp.groups import services
from quizapp.groups.history import record_held_misconceptions, record_mastery_day
from quizapp.groups.views import PENDING_JOIN_KEY
from quizapp.practice.models import Answer


@receiver(post_save, sender=Answer)
def keep_the_trainers_summaries(sender, instance, created, **kwargs):
    """Runs inside the answer's transaction: the summaries never miss an answer."""
    if created:
        record_mastery_day(learner_id=instance.learner_id, when=instance.answered_at)
        record_held_misconceptions(answer=instance)


@receiver(user_logged_in)
def join_the_group_a_visitor_was_invited_to(sender, request, user, **kwargs):
    """A visitor who followed a join link lands in the group once signed up or logged in.

    Sign-up logs the new account in, so this covers both; the visitor's
    practice is carried over by the practice app's own receivers.
    """
    if request is None or not hasattr(request, "session"):
        return
    code = request.session.pop(PENDING_JOIN_KEY, None)
    if not code:
        return
    try:
        group, joined = services.join_group(user=user, code=code)
    except services.JoinRefused as refused:
        messages.warning(request, refused.message)
        return
    if joined:
        messages.success(request, _("You have joined the group “%(name)s”.") % {"name": group.name})
