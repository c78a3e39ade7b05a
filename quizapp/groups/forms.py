from django import forms
from django.utils.translation import gettext_lazy as _

from quizapp.accounts.models import User
from quizapp.groups import codes


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    assessment_date = forms.DateField(
        label=_("Assessment date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional. Trainees then see how many days are left and what to revise."),
    )
    co_trainers = forms.ModelMultipleChoiceField(
        label=_("Co-trainers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional. They follow the group as you do."),
    )

    def __init__(self, *args, trainer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_trainers"].queryset = User.objects.filter(
            role=User.Role.TRAINER, is_active=True
        ).exclude(pk=trainer.pk)


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=20,
        help_text=_("6 to 8 characters, given by your trainer."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return codes.normalise(self.cleaned_data["code"])
