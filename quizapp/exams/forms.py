from django import forms
from django.utils.translation import gettext_lazy as _

from course.models import Topic
from quizapp.bank.models import Question
from quizapp.exams.models import Exam


class ExamForm(forms.ModelForm):
    """A trainer's copy of a blueprint: its settings and the number of items per topic."""

    item_types = forms.MultipleChoiceField(
        label=_("Question types allowed (none ticked: all)"),
        choices=Question.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Exam
        fields = ["title_fr", "title_en", "form", "duration_minutes", "pass_mark", "item_types"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].min_value = 1
        self.fields["pass_mark"].validators.append(_percent)
        counts = {rule.topic_id: rule.items for rule in self.instance.rules.all()}
        self.topics = list(Topic.objects.all())
        for topic in self.topics:
            self.fields[f"topic_{topic.pk}"] = forms.IntegerField(
                label=topic.name, min_value=0, max_value=60, initial=counts.get(topic.pk, 0)
            )

    def topic_fields(self):
        return [self[f"topic_{topic.pk}"] for topic in self.topics]

    def topic_counts(self) -> dict:
        return {topic: self.cleaned_data[f"topic_{topic.pk}"] for topic in self.topics}

    def clean(self):
        data = super().clean()
        if self.topics and not any(data.get(f"topic_{t.pk}") for t in self.topics):
            raise forms.ValidationError(_("Give at least one topic some items."))
        return data


def _percent(value):
    if not 1 <= value <= 100:
        raise forms.ValidationError(_("A pass mark is a percentage between 1 and 100."))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class GiveForm(forms.Form):
    """Give an exam to one of the trainer's groups, between two dates."""

    group = forms.ModelChoiceField(label=_("Group"), queryset=None)
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    hide_review = forms.BooleanField(
        label=_("Hide the questions and answers until the window closes"), required=False
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            raise forms.ValidationError(_("The window must close after it opens."))
        return data


class ExtraTimeForm(forms.Form):
    """Extra minutes (« tiers temps ») for one trainee of the group."""

    trainee = forms.ModelChoiceField(label=_("Trainee"), queryset=None)
    minutes = forms.IntegerField(label=_("Extra minutes"), min_value=0, max_value=240)

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = trainees
