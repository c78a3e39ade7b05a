from django.dispatch import Signal

# Sent with `request` and `user` right after sign-up, before login: receivers
# move whatever a visitor did in their session onto the new account.
user_signed_up = Signal()
