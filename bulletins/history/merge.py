"""Saving over another editor's version without undoing what they changed and you did not.

When a save is refused because someone saved the issue after the editor opened it, the editor
may save their version anyway. Their screen still holds the values they opened: written back
as they are, those would silently undo the other editor's changes to fields this editor never
touched. So a field is written only when the editor changed it since they opened the issue
(their posted value differs from the version they opened); every other field keeps the value
saved meanwhile. Where both changed the same field, the editor who confirmed wins, as asked.
The order of the rows is the confirming editor's (it is one arrangement, not field by field).
"""

from datetime import datetime

from . import revision_with_stamp
from .compare import snapshot

ISSUE_FIELDS = ("number", "title", "issue_date", "status", "published_at", "editors_note")
SECTION_FIELDS = ("title", "number", "slug")
ITEM_FIELDS = (
    "title",
    "body",
    "source",
    "source_url",
    "image_alt",
    "image_caption",
    "image_credit",
)


def opened_snapshot(issue, token):
    """The issue as the editor opened it (`token`: its `updated_at` then, as the form kept
    it), or None when that version is not in the history."""
    try:
        opened_at = datetime.fromisoformat(token or "")
    except ValueError:
        return None
    revision = revision_with_stamp(issue, opened_at)
    return snapshot(revision) if revision is not None else None


def _same(posted, opened):
    if posted in (None, "") and opened in (None, ""):
        return True
    if isinstance(posted, datetime) and isinstance(opened, datetime):
        return posted.replace(second=0, microsecond=0) == opened.replace(second=0, microsecond=0)
    return posted == opened


def keep_their_untouched_fields(form, opened, names):
    """Give back to `form.instance` the current value of each field the editor left as opened.

    `opened` is the row's fields in the version the editor opened (None for a row that was
    not there then: all of it is the editor's).
    """
    if opened is None or not form.instance.pk:
        return
    kept = [
        name
        for name in form.changed_data
        if name in names and name in opened and _same(form.cleaned_data.get(name), opened[name])
    ]
    for name in kept:
        setattr(form.instance, name, form.initial.get(name))
    if kept:
        form.__dict__["changed_data"] = [name for name in form.changed_data if name not in kept]


def keep_their_untouched_rows(formsets, opened):
    """Apply `keep_their_untouched_fields` to the form of every section and item."""
    from ..models import Item, Section

    for formset in formsets:
        if formset.model is Section:
            rows, names = opened.sections, SECTION_FIELDS
        elif formset.model is Item:
            rows, names = opened.items, ITEM_FIELDS
        else:
            continue
        for form in formset.forms:
            if getattr(form, "cleaned_data", None) and form.instance.pk:
                keep_their_untouched_fields(form, rows.get(form.instance.pk), names)
