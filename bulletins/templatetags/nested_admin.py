"""nested-admin's template tags, with a sort that survives the positions editors type.

nested-admin sorts inline rows by their posted position when it shows a form again after an
error; two rows with one position, or a position that is not a number, made that sort raise.
This library takes nested-admin's place (same name, later app) and keeps every tag but that one.
"""

from django import template
from nested_admin.templatetags.nested_admin import register as _nested_admin

register = template.Library()
register.tags.update(_nested_admin.tags)
register.filters.update(_nested_admin.filters)


@register.filter
def formsetsort(formset, arg):
    """Order inline rows by the position typed in them; rows without a number go last."""
    rows = list(formset)
    if not arg:
        return rows

    def key(indexed):
        index, row = indexed
        try:
            position = int(row.form[arg].data)
        except (TypeError, ValueError):
            return (1, 0, index)
        return (0, position, index) if position != -1 else (1, 0, index)

    return [row for _, row in sorted(enumerate(rows), key=key)]
