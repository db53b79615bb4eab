"""The upload field of the compose screen: a picture is checked and prepared on validation."""

from django import forms

from . import rules
from .processing import prepare


class PictureUploadField(forms.FileField):
    """Accept a JPEG, PNG, WebP or GIF within the limits of `rules`, and prepare it.

    The cleaned value is a PreparedFile: the clean original with its renditions, made once
    here, written to storage only when the item is saved.
    """

    widget = forms.ClearableFileInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", rules.ACCEPT)
        return attrs

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return prepare(upload).as_file()
