from django import forms
from django.utils.translation import gettext_lazy as _

from course.models import Section, Topic
from quizapp.practice.models import PracticeSession


class StartForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("What to practise"),
        choices=PracticeSession.Scope.choices,
        initial=PracticeSession.Scope.COURSE,
        widget=forms.RadioSelect,
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("—")
    )
    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.all(), required=False, empty_label=_("—")
    )
    size = forms.IntegerField(
        label=_("Number of questions"),
        min_value=1,
        max_value=60,
        initial=10,
        widget=forms.Select(choices=[(5, "5"), (10, "10"), (20, "20"), (30, "30")]),
    )
    mode = forms.ChoiceField(
        choices=PracticeSession.Mode.choices,
        initial=PracticeSession.Mode.PRACTICE,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].label_from_instance = lambda topic: topic.name
        self.fields["section"].label_from_instance = lambda section: section.title

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == PracticeSession.Scope.TOPIC and not data.get("topic"):
            self.add_error("topic", _("Choose the topic to practise."))
        if scope == PracticeSession.Scope.SECTION and not data.get("section"):
            self.add_error("section", _("Choose the section to practise."))
        data["mode"] = data.get("mode") or PracticeSession.Mode.PRACTICE
        return data
