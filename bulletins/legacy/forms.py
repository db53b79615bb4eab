"""The import desk's forms: the upload (files or one .zip), and one row per file of a batch."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..params import ISSUE_NUMBER_MAX, WholeNumberField
from .batch import BatchError, limits, read_batch


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (Django's documented way)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.zip,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class LegacyUploadForm(forms.Form):
    """The first step of the desk: the files of a batch, read and checked into `batch`."""

    files = MultipleFileField(
        label=_("Legacy text files"),
        help_text=_(
            "Plain text extracted from PDF issues (UTF-8, GB18030/GBK or UTF-16): up to "
            "%(files)d .txt files at once, or one .zip archive of up to %(entries)d. Up to "
            "%(size)d MB a file."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        per_file, _archive, _in_all, entries = limits()
        self.fields["files"].help_text = self.fields["files"].help_text % {
            "files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "entries": entries,
            "size": per_file // (1024 * 1024),
        }
        self.batch = None

    def clean_files(self):
        try:
            self.batch = read_batch(self.cleaned_data["files"])
        except BatchError as error:
            raise forms.ValidationError(str(error)) from None
        return self.cleaned_data["files"]


class BatchRowForm(forms.Form):
    """One file of a batch in the preview: import it or not, under which number and date."""

    selected = forms.BooleanField(label=_("Import"), required=False)
    number = WholeNumberField(
        label=_("Issue number"),
        required=False,
        max_value=ISSUE_NUMBER_MAX,
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
    )
    issue_date = forms.DateField(
        label=_("Issue date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
