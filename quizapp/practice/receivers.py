from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from quizapp.accounts.signals import user_signed_up
from quizapp.practice.services import VISITOR_SESSION_KEY, claim_visitor_work


@receiver(user_signed_up)
def move_visitor_practice_to_the_new_account(sender, request, user, **kwargs):
    claim_visitor_work(visitor_key=request.session.get(VISITOR_SESSION_KEY), user=user)


@receiver(user_logged_in)
def move_visitor_practice_on_login(sender, request, user, **kwargs):
    claim_visitor_work(visitor_key=request.session.get(VISITOR_SESSION_KEY), user=user)
