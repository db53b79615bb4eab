"""Keep sections and items in a tidy 1..n order while editors rearrange them.

The database holds unique (issue, position) and (section, position) constraints. Saving a
reordered formset row by row would trip them (A takes B's place before B has moved), so the
positions of an issue's children are first moved out of the way, the formsets saved, and then
every child renumbered 1..n in the order the editor chose.
"""

from django.db.models import F

from .models import Item, Section

# Added to every position while an issue is being saved: far above any real position.
_PARKED = 1_000_000


def park_positions(issue):
    """Move the positions of an issue's sections and items out of the way before a save."""
    Section.objects.filter(issue=issue).update(position=F("position") + _PARKED)
    Item.objects.filter(section__issue=issue).update(position=F("position") + _PARKED)


def _effective(position):
    return position - _PARKED if position >= _PARKED else position


def _renumber(rows):
    """Give rows positions 1..n in their current order, never colliding on the way."""
    rows = sorted(rows, key=lambda row: (_effective(row.position), row.pk))
    if [row.position for row in rows] == list(range(1, len(rows) + 1)):
        return
    model = type(rows[0])
    for index, row in enumerate(rows, start=1):
        row.position = 2 * _PARKED + index
    model.objects.bulk_update(rows, ["position"])
    for index, row in enumerate(rows, start=1):
        row.position = index
    model.objects.bulk_update(rows, ["position"])


def renumber_positions(issue):
    """Number an issue's sections, and each section's items, 1..n in their saved order."""
    sections = list(Section.objects.filter(issue=issue).only("id", "position"))
    if sections:
        _renumber(sections)
    items_by_section = {}
    for item in Item.objects.filter(section__issue=issue).only("id", "section_id", "position"):
        items_by_section.setdefault(item.section_id, []).append(item)
    for items in items_by_section.values():
        _renumber(items)
