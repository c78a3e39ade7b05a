from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from course.models import Section, Topic
from quizapp.bank import formats
from quizapp.bank.native import BankImportError


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Question file"),
        help_text=_("Facteur JSON, Moodle XML or GIFT, in UTF-8, 2 MB at most."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Guess from the content")), *formats.FORMATS.items()],
    )
    replace = forms.BooleanField(
        label=_("Replace existing questions that have the same key"),
        required=False,
        help_text=_("Unticked, such questions are kept as they are."),
    )
    strict = forms.BooleanField(
        label=_("Refuse the whole file if a question cannot be imported"),
        required=False,
        help_text=_(
            "Unticked, questions of a type Facteur lacks (essay, cloze...) are skipped and listed."
        ),
    )

    def clean_file(self) -> str:
        """Return the text of the file (checked for size and encoding before parsing)."""
        upload = self.cleaned_data["file"]
        if upload.size > formats.MAX_FILE_SIZE:
            raise ValidationError(_("The file is larger than 2 MB."), code="too_large")
        try:
            return formats.decode(upload.read())
        except BankImportError as error:
            raise ValidationError(error.errors, code="unreadable") from None


class MappingForm(forms.Form):
    """One topic (required) and one course section (optional) per Moodle category."""

    def __init__(self, paths: list[tuple[str, int]], *args, initial_mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.paths = [path for path, _count in paths]
        initial_mapping = initial_mapping or {}
        topics = Topic.objects.order_by("slug")
        sections = Section.objects.order_by("order")
        for number, (path, count) in enumerate(paths):
            topic, section = initial_mapping.get(path, ("", ""))
            # The fieldset's legend names the category; the labels say what to choose.
            self.fields[f"topic-{number}"] = forms.ModelChoiceField(
                label=ngettext("Topic (%(count)s question)", "Topic (%(count)s questions)", count)
                % {"count": count},
                queryset=topics,
                to_field_name="slug",
                initial=topic or None,
                empty_label=_("— choose a topic —"),
            )
            self.fields[f"section-{number}"] = forms.ModelChoiceField(
                label=_("Course section (optional)"),
                queryset=sections,
                to_field_name="slug",
                required=False,
                initial=section or None,
                empty_label=_("No section"),
            )

    def rows(self):
        """Yield (category, topic field, section field) for the template."""
        for number, path in enumerate(self.paths):
            yield path, self[f"topic-{number}"], self[f"section-{number}"]

    def mapping(self) -> dict[str, tuple[str, str]]:
        """Return {category: (topic slug, section slug)} of what is chosen so far."""
        chosen = {}
        for number, path in enumerate(self.paths):
            topic = self._value(f"topic-{number}")
            if topic:
                chosen[path] = (topic, self._value(f"section-{number}"))
        return chosen

    def _value(self, name: str) -> str:
        if self.is_bound:
            value = self.data.get(self.add_prefix(name), "")
            return value if isinstance(value, str) else ""
        initial = self.fields[name].initial
        return initial or ""
