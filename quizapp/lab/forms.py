from django import forms
from django.utils.translation import gettext_lazy as _

from quizapp.lab.exercises import portmap
from quizapp.lab.models import SERVICES, LabNetwork, LabServer
from quizapp.lab.presenting import ANSWER_PROTOCOLS, ANSWER_SECURITIES

_CHOOSE = [("", _("— choose —"))]


class LabServerForm(forms.ModelForm):
    """A trainer's lab: where it is, which networks it may resolve to, which ports it exposes."""

    class Meta:
        model = LabServer
        fields = [
            "name",
            "host",
            "allowed_networks",
            "domain",
            *(f"{service.key}_port" for service in SERVICES),
            "embedded",
            "active",
        ]
        widgets = {"allowed_networks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_superuser:
            # Only an administrator may point a lab at the site's own mail server data.
            del self.fields["embedded"]
        opened = ", ".join(LabNetwork.objects.values_list("network", flat=True))
        self.fields["allowed_networks"].help_text = _(
            "One network per line, inside the networks an administrator opened to labs: %(opened)s."
        ) % {"opened": opened or _("none yet, ask an administrator")}


class PortMapForm(forms.Form):
    """Exercise 1: for each port of the lab, the protocol that answers and its security.

    Fields are named by port number, never by service, so that the page's source
    does not give the answer away.
    """

    def __init__(self, ports: list[int], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ports = ports
        for port in ports:
            self.fields[f"protocol_{port}"] = forms.ChoiceField(
                label=_("Protocol on port %(port)s") % {"port": port},
                choices=_CHOOSE + [(key, ANSWER_PROTOCOLS[key]) for key in portmap.PROTOCOLS],
            )
            self.fields[f"security_{port}"] = forms.ChoiceField(
                label=_("Security on port %(port)s") % {"port": port},
                choices=_CHOOSE + [(key, ANSWER_SECURITIES[key]) for key in portmap.SECURITIES],
            )

    def rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        """Return (port, protocol field, security field) in port order, for the template."""
        return [(port, self[f"protocol_{port}"], self[f"security_{port}"]) for port in self.ports]

    def answers(self) -> dict[str, dict[str, str]]:
        """Return the cleaned answers as stored on the run: {"2525": {"protocol": ...}}."""
        return {
            portmap.answer_key(port): {
                "protocol": self.cleaned_data[f"protocol_{port}"],
                "security": self.cleaned_data[f"security_{port}"],
            }
            for port in self.ports
        }
