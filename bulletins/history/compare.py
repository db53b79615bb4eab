"""Compare two revisions of an issue as an editor reads a change: only what changed.

Issue fields, then sections and items: added, removed, edited (field by field, text
differences highlighted) and moved. A row counts as moved only when it left the order the
others kept (the longest run they share), so dragging one item to the top says that item
moved, not that every item under it did.
"""

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import Issue, Item, Section

ISSUE_FIELDS = ["number", "title", "issue_date", "status", "published_at", "editors_note"]
SECTION_FIELDS = ["title", "number", "slug"]
ITEM_FIELDS = [
    "title",
    "body",
    "source",
    "source_url",
    "image",
    "image_alt",
    "image_caption",
    "image_credit",
]
LONG_TEXT = {"body", "editors_note"}


@dataclass
class Snapshot:
    issue: dict = field(default_factory=dict)
    sections: dict = field(default_factory=dict)  # pk -> fields
    items: dict = field(default_factory=dict)  # pk -> fields


def snapshot(revision):
    """The issue, its sections and items as `revision` holds them."""
    shot = Snapshot()
    for version in revision.version_set.all():
        model = version._model
        data = version.field_dict
        if model is Issue:
            shot.issue = data
        elif model is Section:
            shot.sections[int(version.object_id)] = data
        elif model is Item:
            shot.items[int(version.object_id)] = data
    return shot


def current_snapshot(issue):
    """The issue as it is now, in the same shape as `snapshot`."""

    def values(obj):
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

    shot = Snapshot(issue=values(issue))
    for section in Section.objects.filter(issue=issue):
        shot.sections[section.pk] = values(section)
    for item in Item.objects.filter(section__issue=issue):
        shot.items[item.pk] = values(item)
    return shot


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    diff: str = ""  # highlighted HTML, for texts


@dataclass
class RowChange:
    kind: str  # added | removed | edited | moved
    title: str
    where: str = ""
    moved: str = ""  # how it moved, when it did (besides edits)
    fields: list = field(default_factory=list)


@dataclass
class Comparison:
    issue: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    items: list = field(default_factory=list)

    @property
    def empty(self):
        return not (self.issue or self.sections or self.items)


def _shown(model, name, value):
    if value in (None, ""):
        return _("(empty)")
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def text_diff(old, new):
    """HTML of `new` against `old`: removed text in <del>, added text in <ins>."""
    old, new = old or "", new or ""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    out = []
    lines = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        before, after = "\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])
        if tag == "equal":
            out.append(escape(before))
        elif tag == "replace" and len(before) + len(after) < 6000:
            out.append(_char_diff(before, after))
        else:
            if before:
                out.append(f"<del>{escape(before)}</del>")
            if after:
                out.append(f"<ins>{escape(after)}</ins>")
    return mark_safe("\n".join(out))


def _char_diff(old, new):
    out = []
    chars = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in chars.get_opcodes():
        if tag == "equal":
            out.append(escape(old[i1:i2]))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(old[i1:i2])}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(new[j1:j2])}</ins>")
    return "".join(out)


def _field_changes(model, names, old, new):
    changes = []
    for name in names:
        attname = model._meta.get_field(name).attname
        before, after = old.get(attname), new.get(attname)
        if str(before or "") == str(after or ""):
            continue
        label = str(model._meta.get_field(name).verbose_name)
        change = FieldChange(label, _shown(model, name, before), _shown(model, name, after))
        if name in LONG_TEXT or name == "title":
            change.diff = text_diff(str(before or ""), str(after or ""))
        changes.append(change)
    return changes


def _out_of_order(old_order, new_order):
    """The rows of `new_order` that left the order the others kept."""
    common = set(old_order) & set(new_order)
    old_seq = [pk for pk in old_order if pk in common]
    new_seq = [pk for pk in new_order if pk in common]
    kept = set()
    matcher = difflib.SequenceMatcher(None, old_seq, new_seq, autojunk=False)
    for block in matcher.get_matching_blocks():
        kept.update(new_seq[block.b : block.b + block.size])
    return common - kept


def _ordered(rows, key):
    groups = {}
    for pk, data in sorted(rows.items(), key=lambda pair: pair[1]["position"]):
        groups.setdefault(data[key] if key else None, []).append(pk)
    return groups


def compare(old, new):
    """What changed from snapshot `old` to snapshot `new`."""
    result = Comparison(issue=_field_changes(Issue, ISSUE_FIELDS, old.issue, new.issue))

    def section_title(pk):
        data = new.sections.get(pk) or old.sections.get(pk) or {}
        return data.get("title", "?")

    old_sections = _ordered(old.sections, None).get(None, [])
    new_sections = _ordered(new.sections, None).get(None, [])
    moved_sections = _out_of_order(old_sections, new_sections)
    for pk in new_sections:
        data = new.sections[pk]
        if pk not in old.sections:
            result.sections.append(RowChange("added", data["title"]))
            continue
        fields = _field_changes(Section, SECTION_FIELDS, old.sections[pk], data)
        moved = ""
        if pk in moved_sections:
            moved = _("moved from place %(old)d to place %(new)d") % {
                "old": old_sections.index(pk) + 1,
                "new": new_sections.index(pk) + 1,
            }
        if fields or moved:
            kind = "edited" if fields else "moved"
            result.sections.append(RowChange(kind, data["title"], moved=moved, fields=fields))
    for pk in old_sections:
        if pk not in new.sections:
            result.sections.append(RowChange("removed", old.sections[pk]["title"]))

    old_items = _ordered(old.items, "section_id")
    new_items = _ordered(new.items, "section_id")
    moved_items = set()
    for section_id, order in new_items.items():
        moved_items |= _out_of_order(old_items.get(section_id, []), order)
    for section_pk in new_sections + [pk for pk in new_items if pk not in new.sections]:
        for pk in new_items.get(section_pk, []):
            data = new.items[pk]
            where = section_title(section_pk)
            if pk not in old.items:
                result.items.append(RowChange("added", data["title"], where=where))
                continue
            before = old.items[pk]
            fields = _field_changes(Item, ITEM_FIELDS, before, data)
            moved = ""
            if before["section_id"] != data["section_id"]:
                moved = _("moved from “%(old)s” to “%(new)s”") % {
                    "old": section_title(before["section_id"]),
                    "new": where,
                }
            elif pk in moved_items:
                order_before = old_items[section_pk]
                moved = _("moved from place %(old)d to place %(new)d") % {
                    "old": order_before.index(pk) + 1,
                    "new": new_items[section_pk].index(pk) + 1,
                }
            if fields or moved:
                kind = "edited" if fields else "moved"
                result.items.append(
                    RowChange(kind, data["title"], where=where, moved=moved, fields=fields)
                )
    for section_pk, order in old_items.items():
        for pk in order:
            if pk not in new.items:
                where = section_title(section_pk)
                result.items.append(RowChange("removed", old.items[pk]["title"], where=where))
    return result
