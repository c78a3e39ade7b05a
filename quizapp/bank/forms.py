from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from course.models import Topic
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
    topic = forms.ModelChoiceField(
        label=_("Topic for questions that name none"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("No default topic"),
        help_text=_("Questions made in Moodle carry no Facteur topic: they get this one."),
    )
    replace = forms.BooleanField(
        label=_("Replace existing questions that have the same key"),
        required=False,
        help_text=_("Unticked, such questions are kept as they are."),
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
