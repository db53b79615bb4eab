"""The compose screen's picture input: the current picture as a thumbnail, not a file name."""

from django.contrib.admin.widgets import AdminFileWidget
from django.utils.html import format_html

from . import markup


class PictureInput(AdminFileWidget):
    """Django's admin file input, with the current picture shown small above it, so that an
    editor sees which picture an item has (its stored name is a long content hash)."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        item = getattr(value, "instance", None)
        preview = markup.preview(item) if item is not None and value else ""
        if not preview:
            return html
        return format_html('<div class="picture-preview">{}</div>{}', preview, html)
