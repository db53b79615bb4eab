"""Keep sections and items in a tidy 1..n order while editors rearrange them.

The order an editor asks for is planned across the whole issue before anything is written
(`plan_order`): each row keeps its place unless the editor typed another position or moved it
to another section, in which case it lands on the place asked for (the rows it passes close
up); rows without a position go last. The plan is the same whether the positions were typed
(no JavaScript) or set by dragging and the move buttons (the script numbers the rows 1..n).

The database holds unique (issue, position) and (section, position) constraints. Saving a
reordered formset row by row would trip them (A takes B's place before B has moved), so when
the order changes the positions of the issue's rows are first moved out of the way (parked),
the forms saved, and then every row given its planned place (`apply_order`).
"""

from dataclasses import dataclass, field

from django.db.models import F
from django.utils.translation import gettext as _

from .models import Item, Section

# Added to every position while an issue is being saved: far above any real position.
_PARKED = 1_000_000
# Where rows being saved wait for their final place: above every parked position.
_WAITING = 3 * _PARKED
_LAST = float("inf")


def park_positions(issue):
    """Move the positions of an issue's sections and items out of the way before a save."""
    Section.objects.filter(issue=issue).update(position=F("position") + _PARKED)
    Item.objects.filter(section__issue=issue).update(position=F("position") + _PARKED)


@dataclass
class OrderPlan:
    """The sections of an issue, and the items of each, in the order they will be saved."""

    sections: list = field(default_factory=list)  # section forms
    items: dict = field(default_factory=dict)  # section form -> item forms
    deleted_rows: bool = False

    def changes_order(self):
        """Whether any row is new, deleted, moved or renumbered by this save."""
        if self.deleted_rows:
            return True
        for position, section_form in enumerate(self.sections, start=1):
            if _changes_place(section_form, position, None):
                return True
            for item_position, item_form in enumerate(self.items[section_form], start=1):
                if _changes_place(item_form, item_position, section_form):
                    return True
        return False

    def reorders_rows(self):
        """Whether rows that were already there changed places (not only added or deleted)."""
        if _out_of_order(self.sections):
            return True
        for forms in self.items.values():
            if _out_of_order(forms):
                return True
            if any(getattr(form, "moved_to", None) is not None for form in forms):
                return True
        return False


def _out_of_order(forms):
    stored = [form.initial.get("position") for form in forms if form.instance.pk]
    stored = [position for position in stored if position is not None]
    return stored != sorted(stored)


def _changes_place(form, position, section_form):
    if form.instance.pk is None:
        return True
    if getattr(form, "moved_to", None) is not None:
        return True
    return form.initial.get("position") != position


def _kept(formset):
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None)
        if not data or formset._should_delete_form(form):
            continue
        yield index, form


def _sort_key(form, index):
    position = form.cleaned_data.get("position")
    if position is None:
        return (_LAST, 1, index)
    initial = form.initial.get("position")
    if form.instance.pk is None or getattr(form, "moved_to", None) is not None:
        return (position, 0, index)  # new here: ahead of the row in that place
    if initial is None or position == initial:
        return (position, 1, index)  # did not move
    # Moved up: ahead of the row in that place; moved down: after it, since the rows in
    # between close up (so it lands on the number typed, as it does with JavaScript on).
    return (position, 0 if position < initial else 2, index)


def plan_order(section_formset):
    """Plan the order of an issue's sections and items from its validated compose forms.

    Errors the plan finds (an item moved into a section being deleted) are added to the forms.
    """
    plan = OrderPlan()
    deleted = [f for f in section_formset.forms if section_formset._should_delete_form(f)]
    plan.deleted_rows = any(form.instance.pk for form in deleted)
    kept_sections = list(_kept(section_formset))
    by_pk = {form.instance.pk: form for _, form in kept_sections if form.instance.pk}
    deleted_pks = {form.instance.pk for form in deleted if form.instance.pk}
    plan.sections = [
        form for index, form in sorted(kept_sections, key=lambda pair: _sort_key(pair[1], pair[0]))
    ]
    rows = {form: [] for form in plan.sections}
    for s_index, section_form in enumerate(section_formset.forms):
        for item_formset in getattr(section_form, "nested_formsets", []):
            item_formset.is_valid()  # validated here, before the sections' plan needs them
            plan.deleted_rows |= any(
                form.instance.pk
                for form in item_formset.forms
                if item_formset._should_delete_form(form)
            )
            for i_index, item_form in _kept(item_formset):
                item_form.moved_to = None
                target = item_form.cleaned_data.get("move_to")
                here = section_form.instance.pk
                if target and target != here:
                    if target in deleted_pks or target not in by_pk:
                        item_form.add_error(
                            "move_to",
                            _("This section is being deleted: the item cannot move there.")
                            if target in deleted_pks
                            else _(
                                "This section is not on this screen (it was added after the "
                                "screen was opened): save, then move the item."
                            ),
                        )
                        continue
                    item_form.moved_to = target
                    rows[by_pk[target]].append((item_form, (s_index, i_index)))
                elif section_form in rows:
                    rows[section_form].append((item_form, (s_index, i_index)))
    for section_form, forms in rows.items():
        forms.sort(key=lambda pair: _sort_key(pair[0], pair[1]))
        plan.items[section_form] = [form for form, _ in forms]
    return plan


def prepare_rows(issue, plan):
    """Before the forms are saved: park positions and move items, when the order changes.

    Returns whether it did (then `apply_order` must run after the forms are saved).
    """
    if not plan.changes_order():
        for section_form in plan.sections:  # a typed position past the end, say, stays put
            section_form.instance.position = section_form.initial.get("position")
            for item_form in plan.items[section_form]:
                item_form.instance.position = item_form.initial.get("position")
        return False
    if issue.pk:
        park_positions(issue)
    waiting = _WAITING
    for section_form in plan.sections:
        section_form.instance.position = waiting
        waiting += 1
        for item_form in plan.items[section_form]:
            item_form.instance.position = waiting
            waiting += 1
            if item_form.moved_to is not None:
                item_form.instance.section_id = item_form.moved_to
                # Before the sections are saved: a deleted section must not take it along.
                Item.objects.filter(pk=item_form.instance.pk).update(
                    section_id=item_form.moved_to, position=item_form.instance.position
                )
    return True


def apply_order(issue, plan):
    """After the forms are saved: give every row its planned place, 1..n.

    Rows the forms did not carry (another editor's, added after this screen was opened and
    kept when the editor saves over their version) follow the planned ones, in their order.
    """
    sections, items = [], []
    for position, section_form in enumerate(plan.sections, start=1):
        section = section_form.instance
        section.position = position
        sections.append(section)
        for item_position, item_form in enumerate(plan.items[section_form], start=1):
            item = item_form.instance
            item.position = item_position
            item.section_id = section.pk
            items.append(item)
    if sections:
        Section.objects.bulk_update(sections, ["position"])
    if items:
        Item.objects.bulk_update(items, ["section", "position"])
    _place_unplanned_rows(issue, plan)


def _place_unplanned_rows(issue, plan):
    """Give rows still parked (outside the plan) the places after the planned rows."""
    if issue.pk is None:
        return
    parked_sections = list(
        Section.objects.filter(issue=issue, position__gte=_PARKED).order_by("position")
    )
    for position, section in enumerate(parked_sections, start=len(plan.sections) + 1):
        section.position = position
    if parked_sections:
        Section.objects.bulk_update(parked_sections, ["position"])
    planned = {form.instance.pk: len(forms) for form, forms in plan.items.items()}
    parked_items = list(
        Item.objects.filter(section__issue=issue, position__gte=_PARKED).order_by(
            "section_id", "position"
        )
    )
    for item in parked_items:
        planned[item.section_id] = planned.get(item.section_id, 0) + 1
        item.position = planned[item.section_id]
    if parked_items:
        Item.objects.bulk_update(parked_items, ["position"])
