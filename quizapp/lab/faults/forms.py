from django import forms
from django.utils.translation import gettext_lazy as _

from quizapp.lab.faults import presenting
from quizapp.lab.faults.models import FAULT_CHOICES


class DiagnosisForm(forms.Form):
    """Exercise 4's answer: what is wrong, and which setting to change to what."""

    diagnosis = forms.ChoiceField(
        label=_("What is wrong?"), widget=forms.RadioSelect, choices=presenting.diagnosis_choices
    )
    setting = forms.ChoiceField(
        label=_("The setting to change"),
        choices=lambda: [("", _("Choose…")), *presenting.setting_choices()],
    )
    value = forms.CharField(
        label=_("Its new value"),
        required=False,
        max_length=200,
        help_text=_("A port, a server name, a number of seconds… Leave empty if none is needed."),
    )

    def answer(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in ("diagnosis", "setting", "value")}


class AssignFaultForm(forms.Form):
    """A trainer picks the fault of a trainee's next ticket (or leaves it to chance)."""

    fault = forms.ChoiceField(
        label=_("Fault"), required=False, choices=[("", _("Drawn at random")), *FAULT_CHOICES]
    )
