import json

from django import forms
from django.utils.translation import gettext_lazy as _

from course.models import Topic
from quizapp.bank.models import Question


class ReadableJSONField(forms.JSONField):
    """A JSON field shown indented, so a trainer can read and edit a spec."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class QuestionForm(forms.ModelForm):
    """A trainer's edit of a question; the key and type stay (exports and answers name them)."""

    spec = ReadableJSONField(
        label=_("Answer specification (JSON)"),
        help_text=_(
            "Options, accepted answers, pairs or steps, as in the JSON import format. "
            "It is checked against the question's type before saving."
        ),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )

    class Meta:
        model = Question
        fields = [
            "text_fr",
            "text_en",
            "spec",
            "explanation_fr",
            "explanation_en",
            "main_topic",
            "topics",
            "difficulty",
            "section",
            "anchor",
            "source",
        ]
        widgets = {
            "text_fr": forms.Textarea(attrs={"rows": 3}),
            "text_en": forms.Textarea(attrs={"rows": 3}),
            "explanation_fr": forms.Textarea(attrs={"rows": 4}),
            "explanation_en": forms.Textarea(attrs={"rows": 4}),
            "topics": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        cleaned = super().clean()
        main, topics = cleaned.get("main_topic"), cleaned.get("topics")
        if main is not None and topics is not None and main not in topics:
            cleaned["topics"] = Topic.objects.filter(pk__in=[main.pk, *(t.pk for t in topics)])
        return cleaned


class QuestionFilterForm(forms.Form):
    """The list's filters, read from the query string."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Question.Status.choices],
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Every topic"),
    )
    q = forms.CharField(label=_("Key or text contains"), required=False, max_length=100)
