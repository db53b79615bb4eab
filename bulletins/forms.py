"""Admin forms: every rule an editor can break is checked here, with a message they can act on."""

from datetime import datetime

from django import forms
from django.forms.models import BaseModelFormSet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from nested_admin.formsets import NestedInlineFormSet

from .models import Issue, Item, Section
from .source_links import SourceURLField
from .widgets import render_directly


class NormalizedTextField(forms.CharField):
    """Text whose line endings are stored as "\n" whatever the browser sends ("\r\n").

    Normalised on input, so that a form posted back unchanged compares equal to what is
    stored, and saving never rewrites a text that nobody touched.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class MinuteSplitDateTimeField(forms.SplitDateTimeField):
    """A date and time shown to the minute: the seconds of a stored time are not a change.

    The admin's widget shows hours and minutes (the Chinese locale's input format); a form
    posted back untouched would otherwise count as changed, and be saved, every time.
    """

    def has_changed(self, initial, data):
        if isinstance(initial, datetime):
            initial = initial.replace(second=0, microsecond=0)
        return super().has_changed(initial, data)


def _normalized(model_field, **kwargs):
    return model_field.formfield(form_class=NormalizedTextField, **kwargs)


class IssueForm(forms.ModelForm):
    """The issue's own fields, and the version of the issue the editor opened.

    `opened_version` carries the issue's `updated_at` as the editor's screen showed it: a save
    is refused when someone else saved the issue in between (see `clean`), unless the editor,
    shown the conflict, asks to save their version over it (`overwrite` with `seen_version`).
    """

    opened_version = forms.CharField(required=False, widget=forms.HiddenInput)
    seen_version = forms.CharField(required=False, widget=forms.HiddenInput)
    overwrite = forms.BooleanField(
        label=_("Save my changes anyway (where we both changed something, mine wins)"),
        required=False,
    )
    editors_note = _normalized(
        Issue._meta.get_field("editors_note"), widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Issue
        fields = ["number", "title", "issue_date", "status", "published_at", "editors_note"]
        error_messages = {
            "number": {"unique": _("Another issue already has this number.")},
        }

    _lock_fields = ("opened_version", "seen_version", "overwrite")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.saving_over = None  # the version token the editor opened, when saving over theirs
        if self.instance.pk:
            self.initial.setdefault("opened_version", version_token(self.instance))

    @cached_property
    def changed_data(self):
        return [name for name in super().changed_data if name not in self._lock_fields]

    def clean(self):
        cleaned = super().clean()
        self._check_not_saved_meanwhile(cleaned)
        status = cleaned.get("status", self.instance.status)
        published_at = cleaned.get("published_at", self.instance.published_at)
        if status == Issue.Status.PUBLISHED and not published_at and "status" in self.fields:
            cleaned["published_at"] = published_at = timezone.now()
        # Publishing (or scheduling) asks for the issue date; an issue published before the
        # rule without one may still be corrected without adding it.
        changed = set(self.changed_data)
        if not cleaned.get("issue_date") and "issue_date" not in self.errors:
            if status == Issue.Status.PUBLISHED and changed & {
                "status",
                "published_at",
                "issue_date",
            }:
                self.add_error("issue_date", _("A published issue needs its issue date."))
            elif "published_at" in changed and published_at:
                self.add_error(
                    "issue_date", _("Fill in the issue date before setting a publication time.")
                )
        return cleaned

    def _check_not_saved_meanwhile(self, cleaned):
        if not self.instance.pk:
            return
        current = (
            Issue.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if current is None:
            return
        current_token = version_token_of(current)
        if cleaned.get("opened_version") in ("", None, current_token):
            return
        if cleaned.get("overwrite") and cleaned.get("seen_version") == current_token:
            self.saving_over = cleaned.get("opened_version")
            return
        from .history import latest_revision

        self.conflict = {"revision": latest_revision(self.instance), "updated_at": current}
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = current_token
        self.data.pop(self.add_prefix("overwrite"), None)
        raise forms.ValidationError(
            _(
                "Someone else saved this issue after you opened it: your changes are not saved "
                "yet, so that theirs are not overwritten. Your edits are still below."
            ),
            code="conflict",
        )


def version_token_of(updated_at):
    return updated_at.isoformat()


def version_token(issue):
    """The token of the issue's current version: its `updated_at`, to the microsecond."""
    return version_token_of(issue.updated_at)


class PositionedForm(forms.ModelForm):
    """A sortable inline row; its position may be left empty to put it last."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The outline explains the fields once (compose.field_legend); repeated on every row,
        # their help was an eighth of the page.
        for field in self.fields.values():
            field.help_text = ""
        position = self.fields["position"]
        position.required = False
        position.widget.attrs.update({"class": "position", "min": "0", "max": "9999"})

    def validate_unique(self):
        # Positions are planned among all the rows of the issue (ordering.plan_order) and
        # renumbered on save, so the database's current positions do not matter.
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
    body = _normalized(Item._meta.get_field("body"), widget=forms.Textarea(attrs={"rows": 8}))
    move_to = forms.TypedChoiceField(
        label=_("Section"),
        coerce=int,
        required=False,
        help_text=_("Choose another section to move the item there; its position counts there."),
    )

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

    def __init__(self, *args, section_choices=(), section_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        move_to = self.fields["move_to"]
        move_to.choices = section_choices
        self.initial.setdefault("move_to", section_id)
        blank_row = self.instance.pk is None and "__prefix__" not in (self.prefix or "")
        if section_id is None or len(section_choices) < 2 or blank_row:
            # A new section's items (or an issue of one section) have nowhere to move to yet;
            # each section's blank row is filled in where it belongs. (The row template the
            # script adds rows from keeps the choice: such rows may be dragged anywhere.)
            move_to.widget = forms.HiddenInput()
            move_to.choices = [*section_choices, ("", "")]
        self.fields["body"].error_messages.update({"required": _("Every item needs a body text.")})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not cleaned.get("image_alt", "").strip():
            self.add_error("image_alt", _("Describe the image for readers who cannot see it."))
        return cleaned


class PositionedFormSet(NestedInlineFormSet):
    """Rows of sections or items; their order is planned across the issue (ordering.py)."""

    section_choices = ()

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.model is Item:
            kwargs["section_choices"] = self.section_choices
            kwargs["section_id"] = self.instance.pk
        return kwargs

    def get_queryset(self):
        # The rows of this parent only, as Django's inline formsets have it. nested-admin looks
        # rows up by the ids posted, wherever they belong (its script moves rows between
        # parents by their ids); a forged id of another issue's item would then be edited and
        # pulled into this issue. Items change section here through `move_to`, checked.
        return BaseModelFormSet.get_queryset(self)

    def clean(self):
        super().clean()
        for form in self.initial_forms:
            # A row of the screen that is not a row of this parent (deleted since, or forged).
            if form.instance.pk is None and not self._should_delete_form(form):
                form.add_error(
                    None, _("This row no longer exists here: reload the page to see the issue.")
                )

    def validate_unique(self):
        # Two rows may ask for one position: the plan (ordering.plan_order) settles it.
        pass

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            render_directly(field.widget)

    def process_forms_pre_save(self, forms):
        # nested-admin renumbers rows here from 0 by their posted positions; the order of the
        # whole issue is planned and applied by bulletins.ordering instead.
        return forms

    def save(self, commit=True):
        parent = getattr(self, "parent_form", None)
        if parent is not None and getattr(parent, "cleaned_data", {}).get("DELETE"):
            # The parent row is being deleted and takes these rows with it, except those the
            # editor moved to another section (already moved by ordering.apply_moves).
            moved = [
                form
                for form in self.initial_forms
                if getattr(form, "moved_to", None) and not self._should_delete_form(form)
            ]
            self.changed_objects, self.deleted_objects, self.new_objects = [], [], []
            return [form.save(commit) for form in moved if form.has_changed()]
        # Django's own save: nested-admin's reads every row back from the database, twice.
        self.changed_objects, self.deleted_objects, self.new_objects = [], [], []
        if not commit:
            self.saved_forms = []

            def save_m2m():
                for form in self.saved_forms:
                    form.save_m2m()

            self.save_m2m = save_m2m
        return BaseModelFormSet.save_existing_objects(
            self, commit
        ) + BaseModelFormSet.save_new_objects(self, commit)


class SectionFormSet(PositionedFormSet):
    """The issue's sections; the place where the order of the whole issue is planned."""

    def clean(self):
        super().clean()
        slugs = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or not data.get("slug"):
                continue
            slug = data["slug"]
            if slug in slugs:
                form.add_error(
                    "slug",
                    _(
                        "Another section of this issue has this slug: give each section its "
                        "own, or readers cannot tell them apart."
                    ),
                )
            slugs.setdefault(slug, form)
        from .ordering import plan_order

        self.plan = plan_order(self)
