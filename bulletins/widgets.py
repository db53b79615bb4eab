"""Form widgets that write their HTML in Python, for the compose screen's hundreds of fields
and the reader's search filters.

Django renders each widget through a template (input.html including attrs.html): about a
millisecond each, and the compose screen of a 29-item issue has some 400 of them, most of the
screen's server time. These render the same HTML as Django's templates for the widgets the
outline's rows use (inputs, textareas, checkboxes, selects without groups); any other widget
keeps its template, and so does a file input showing the file it holds.
"""

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _attrs(attrs):
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


class DirectRender:
    """Render as Django's own widget templates do, without going through a template."""

    # Django's select template puts each option on a line of its own; the compose screen's
    # hundreds of selects go without those line breaks (see render_directly).
    line_breaks = False

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(self, forms.ClearableFileInput) and self.is_initial(value):
            return super().render(name, value, attrs, renderer)  # "currently", "clear"…
        widget = self.get_context(name, value, attrs)["widget"]
        if isinstance(self, forms.Textarea):
            text = widget["value"] or ""
            return mark_safe(
                f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
                f"\n{conditional_escape(text)}</textarea>"
            )
        if isinstance(self, forms.Select) and not self.allow_multiple_selected:
            options = []
            for group_name, group, _index in widget["optgroups"]:
                if group_name:  # groups are not used on the compose screen
                    return super().render(name, value, attrs, renderer)
                for option in group:
                    options.append(
                        format_html(
                            '<option value="{}"{}>{}</option>',
                            str(option["value"]),
                            mark_safe(_attrs(option["attrs"])),
                            option["label"],
                        )
                    )
            # The template includes each option's template, which ends in a line break.
            before, after, end = ("\n  ", "\n", "\n") if self.line_breaks else ("", "", "")
            return mark_safe(
                f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
                + "".join(f"{before}{option}{after}" for option in options)
                + f"{end}</select>"
            )
        value_attr = ""
        if widget["value"] is not None:
            value_attr = f' value="{conditional_escape(str(widget["value"]))}"'
        return mark_safe(
            f'<input type="{widget["type"]}" name="{conditional_escape(widget["name"])}"'
            f"{value_attr}{_attrs(widget['attrs'])}>"
        )


_FAST = {}
_DIRECT_BASES = (
    forms.TextInput,
    forms.NumberInput,
    forms.DateInput,
    forms.URLInput,
    forms.HiddenInput,
    forms.Textarea,
    forms.CheckboxInput,
    forms.Select,
    forms.FileInput,
)


def render_directly(widget, *, line_breaks=False):
    """Make `widget` render in Python when its kind is one DirectRender writes; return it.

    With `line_breaks`, a select is byte for byte what Django's template makes of it.
    """
    cls = type(widget)
    plain = cls.template_name in {base.template_name for base in _DIRECT_BASES}
    if not plain and not issubclass(cls, forms.ClearableFileInput):
        return widget  # a widget with a template of its own
    if (cls, line_breaks) not in _FAST:
        attributes = {"line_breaks": line_breaks}
        _FAST[cls, line_breaks] = type(f"Direct{cls.__name__}", (DirectRender, cls), attributes)
    widget.__class__ = _FAST[cls, line_breaks]
    return widget
