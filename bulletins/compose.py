"""What the compose screen shows around its forms: scripts, the error summary, save summaries."""

from django import forms
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from .models import Issue, Item, Section

SCRIPTS = ["bulletins/admin/vendor/Sortable-1.15.6.min.js", "bulletins/admin/compose.js"]
STYLES = ["bulletins/admin/compose.css"]


def compose_media(media):
    """The screen's media without nested-admin's scripts: the outline has its own (compose.js)."""
    js = [
        path
        for path in media._js
        if "nested_admin" not in str(path) and not str(path).startswith("admin/js/inlines")
    ]
    css = [path for path in media._css.get("all", []) if "nested_admin" not in str(path)]
    return forms.Media(js=js + SCRIPTS, css={"all": css + STYLES})


def field_legend():
    """What each field of a section and of an item is for, shown once above the outline."""
    from .forms import ItemForm

    legend = []
    for model, names in (
        (Section, ["title", "number", "slug"]),
        (
            Item,
            [
                "title",
                "body",
                "source",
                "source_url",
                "image",
                "image_alt",
                "image_caption",
                "image_credit",
            ],
        ),
    ):
        for name in names:
            model_field = model._meta.get_field(name)
            legend.append(
                (f"{model._meta.verbose_name} · {model_field.verbose_name}", model_field.help_text)
            )
    move_to = ItemForm.base_fields["move_to"]
    legend.append((f"{Item._meta.verbose_name} · {move_to.label}", move_to.help_text))
    return legend


def _value(form, name):
    value = form[name].value()
    return "" if value is None else str(value).strip()


def _entries(form, where):
    row = f"row-{form.prefix}" if form.prefix else ""
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            target, label = row or "content-main", ""
        else:
            target, label = form[name].auto_id, form.fields[name].label
            if form.fields[name].widget.is_hidden:
                target = row or "content-main"
        for message in errors:
            yield {"where": where, "field": label, "message": message, "target": target, "row": row}


def _in_screen_order(forms):
    """Rows numbered as the editor sees them: by the position each carries (the script
    numbers rows as they stand on screen; without it, the typed or stored one), rows without
    one after them in form order (a row added with ＋ comes after the blank row in the form)."""

    def place(pair):
        index, form = pair
        try:
            return (0, int(_value(form, "position")), index)
        except ValueError:
            return (1, 0, index)

    ordered = sorted(enumerate(forms), key=place)
    return [(number, form) for number, (_, form) in enumerate(ordered, start=1)]


def error_summary(context):
    """Every error of the screen, issue first, then by section and item, each with its link."""
    adminform = context.get("adminform")
    if adminform is None or not adminform.form.is_bound:
        return []
    entries = []
    issue_form = adminform.form
    conflict = [
        error.message
        for error in issue_form.non_field_errors().as_data()
        if error.code == "conflict"
    ]
    for entry in _entries(issue_form, _("Issue")):
        if entry["message"] in conflict:
            continue  # the conflict box above says it, and there is nothing to correct
        entries.append(entry)
    for inline_admin_formset in context.get("inline_admin_formsets", []):
        formset = inline_admin_formset.formset
        for message in formset.non_form_errors():
            entries.append(
                {"where": _("Sections"), "field": "", "message": message, "target": "outline"}
            )
        for s_number, section_form in _in_screen_order(formset.forms):
            where = _("Section %(number)d “%(title)s”") % {
                "number": s_number,
                "title": _value(section_form, "title") or _("(untitled)"),
            }
            entries += _entries(section_form, where)
            for item_formset in getattr(section_form, "nested_formsets", []):
                for i_number, item_form in _in_screen_order(item_formset.forms):
                    item_where = _("%(section)s, item %(number)d “%(title)s”") % {
                        "section": where,
                        "number": i_number,
                        "title": _value(item_form, "title") or _("(no headline)"),
                    }
                    entries += _entries(item_form, item_where)
    return entries


# Fields that only place a row: changing them is said once, as "changed the order".
ORDER_FIELDS = {"position", "move_to"}


def _count(formsets, model, kind):
    total = 0
    for formset in formsets:
        if formset.model is model:
            rows = getattr(formset, kind, []) or []
            if kind == "changed_objects":
                rows = [row for row, fields in rows if set(fields) - ORDER_FIELDS]
            total += len(rows)
    return total


def save_summary(form, formsets, change, reordered):
    """One line for the history list: what this save of the compose screen did."""
    parts = []
    if not change:
        parts.append(_("Created"))
    changed = form.changed_data if change else []
    issue = form.instance
    if "status" in changed:
        parts.append(_("Published") if issue.status == Issue.Status.PUBLISHED else _("Unpublished"))
    if "published_at" in changed and issue.status == Issue.Status.PUBLISHED and issue.is_scheduled:
        parts.append(_("Scheduled"))
    edited = [
        str(form.fields[name].label)
        for name in changed
        if name not in ("status", "published_at") and name in form.fields
    ]
    if edited:
        parts.append(_("Edited the issue's %(fields)s") % {"fields": _(", ").join(edited)})
    for model, added, removed, edited_rows in (
        (
            Section,
            _("added %(n)d sections"),
            _("deleted %(n)d sections"),
            _("edited %(n)d sections"),
        ),
        (Item, _("added %(n)d items"), _("deleted %(n)d items"), _("edited %(n)d items")),
    ):
        for kind, text in (
            ("new_objects", added),
            ("deleted_objects", removed),
            ("changed_objects", edited_rows),
        ):
            count = _count(formsets, model, kind)
            if count and change:
                parts.append(text % {"n": count})
    if reordered and change:
        parts.append(_("changed the order"))
    return _("; ").join(parts) or _("Saved")


def conflict_context(form, issue):
    """What the screen says when a save was refused because someone else saved meanwhile."""
    from datetime import datetime

    from django.urls import reverse

    from .admin_history import compare_url
    from .history import revision_with_stamp

    conflict = getattr(form, "conflict", None)
    if not conflict or issue is None:
        return None
    conflict = dict(conflict)
    conflict["current_url"] = reverse("admin:bulletins_issue_change", args=[issue.pk])
    latest = conflict.get("revision")
    try:
        opened = datetime.fromisoformat(form.data.get(form.add_prefix("opened_version"), ""))
    except ValueError:
        opened = None
    seen = revision_with_stamp(issue, opened) if opened else None
    if latest is not None and seen is not None and seen.pk != latest.pk:
        conflict["compare_url"] = compare_url(issue, seen, latest)
    return conflict
