"""System checks of the lab's settings (run by manage.py check and at every start)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def loopback_labs_only_in_development(app_configs, **kwargs):
    """Refuse LAB_LOOPBACK_LABS in production: it lets any lab probe the site's own ports."""
    if settings.LAB_LOOPBACK_LABS and not settings.DEBUG:
        return [
            Error(
                "LAB_LOOPBACK_LABS is on while DEBUG is off.",
                hint="Unset LAB_LOOPBACK_LABS: only the embedded lab may reach loopback.",
                id="lab.E001",
            )
        ]
    return []
