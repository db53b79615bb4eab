"""The model field of an item's picture: stored (by content, with renditions) on save."""

from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.db.models.fields.files import ImageFileDescriptor

from . import files
from .forms import PictureUploadField
from .processing import PreparedFile, prepare
from .widgets import PictureInput


class _TrackingDescriptor(ImageFileDescriptor):
    """Remember the names an instance's picture had before it was replaced or cleared, so
    that their files can be removed once the change is committed (see cleanup.py)."""

    def __set__(self, instance, value):
        previous = instance.__dict__.get(self.field.attname)
        old = getattr(previous, "name", previous) or ""
        new = getattr(value, "name", value) or ""
        if old and old != new:
            instance.__dict__.setdefault("_replaced_pictures", set()).add(old)
        super().__set__(instance, value)


def replaced_pictures(instance):
    """The picture names this instance no longer uses since it was loaded (and forget them)."""
    return instance.__dict__.pop("_replaced_pictures", set())


class PictureField(models.ImageField):
    """An ImageField whose new files are checked, cleaned, named by their content and
    resized once, when the item is saved.

    The form field (forms.PictureUploadField) does the checking and the image work while the
    form is validated, so that a refusal is a form error; a file assigned in code is prepared
    here instead. The picture's size and its renditions go to the JSON `record_field`, which
    readers' pages use without asking the storage anything.
    """

    descriptor_class = _TrackingDescriptor

    def __init__(self, *args, record_field=None, **kwargs):
        self.record_field = record_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.record_field:
            kwargs["record_field"] = self.record_field
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        if kwargs.get("widget") is AdminFileWidget:  # the admin's, with a thumbnail
            kwargs["widget"] = PictureInput
        return super().formfield(**{"form_class": PictureUploadField, **kwargs})

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            content = file.file
            prepared = content.prepared if isinstance(content, PreparedFile) else prepare(content)
            file.name, record = files.store(prepared)
            file._committed = True
            if self.record_field:
                setattr(model_instance, self.record_field, record)
        elif not file and self.record_field:
            setattr(model_instance, self.record_field, None)
        return file
