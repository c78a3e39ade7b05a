from django.db import models
from django.utils.translation import gettext_lazy as _


class Erasure(models.Model):
    """The record that an account was deleted: when, at whose request, what was done.

    It names no one (the account's number only), so keeping it keeps nothing
    personal; it is what answers "was my data really deleted?".
    """

    user_pk = models.PositiveBigIntegerField(_("account number"))
    requested_by = models.CharField(_("requested by"), max_length=160)
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)
    counts = models.JSONField(_("rows changed, per kind of data"), default=dict)

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("account erasure")
        verbose_name_plural = _("account erasures")

    def __str__(self):
        return f"#{self.user_pk} {self.erased_at:%Y-%m-%d %H:%M}"
