"""Admin forms: every rule an editor can break is checked here, with a message they can act on."""

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from nested_admin.formsets import NestedInlineFormSet

from .models import Issue, Item, Section
from .source_links import SourceURLField


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["number", "title", "issue_date", "status", "published_at", "editors_note"]
        error_messages = {
            "number": {"unique": _("Another issue already has this number.")},
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Issue.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
        return cleaned


class PositionedForm(forms.ModelForm):
    """A sortable inline row; its position may be left empty to put it last."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False

    def validate_unique(self):
        # Positions are checked among the rows of the formset (PositionedFormSet) and the
        # rows are renumbered on save, so the database's current positions do not matter.
        pass


class SectionForm(PositionedForm):
    class Meta:
        model = Section
        fields = ["position", "number", "title", "slug"]
        error_messages = {"title": {"required": _("Every section needs a title.")}}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("title"):
            slug = slugify(cleaned["title"], allow_unicode=True)[:100]
            if not slug:
                self.add_error("slug", _("Enter a slug: none can be made from this title."))
            cleaned["slug"] = slug
        return cleaned


class ItemForm(PositionedForm):
    source_url = Item._meta.get_field("source_url").formfield(form_class=SourceURLField)

    class Meta:
        model = Item
        fields = [
            "position",
            "title",
            "body",
            "source",
            "source_url",
            "image",  # checked and prepared by images.forms.PictureUploadField
            "image_alt",
            "image_caption",
            "image_credit",
        ]
        error_messages = {
            "title": {"required": _("Every item needs a title.")},
            "body": {"required": _("Every item needs a body text.")},
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not cleaned.get("image_alt", "").strip():
            self.add_error("image_alt", _("Describe the image for readers who cannot see it."))
        return cleaned


class PositionedFormSet(NestedInlineFormSet):
    """Place rows without a position after the others, and refuse two rows in one place."""

    def clean(self):
        # Before Django's own duplicate check, which would name the field, not the problem.
        kept = [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form.cleaned_data
            and not self._should_delete_form(form)
        ]
        taken = [
            f.cleaned_data["position"] for f in kept if f.cleaned_data.get("position") is not None
        ]
        duplicates = {p for p in taken if taken.count(p) > 1}
        for form in kept:
            if form.cleaned_data.get("position") in duplicates:
                form.add_error("position", _("Two rows have this position; give each its own."))
        next_position = max(taken, default=0) + 1
        for form in kept:
            if form.cleaned_data.get("position") is None:
                form.cleaned_data["position"] = next_position
                form.instance.position = next_position
                next_position += 1
        super().clean()

    def save(self, commit=True):
        parent = getattr(self, "parent_form", None)
        if parent is not None and getattr(parent, "cleaned_data", {}).get("DELETE"):
            # The parent row is being deleted and takes these rows with it; nested-admin
            # would otherwise save them again as new rows of the deleted parent.
            self.changed_objects, self.deleted_objects, self.new_objects = [], [], []
            return []
        return super().save(commit)
