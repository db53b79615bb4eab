"""Template helpers of the reader site."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """Turn a site path into a full URL, for canonical links, OpenGraph and feeds."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag
def highlighted(parts):
    """Render a (before, match, after) snippet with the match in <mark>, all escaped."""
    if not parts:
        return ""
    before, match, after = parts
    if not match:
        return before + after
    return format_html("{}<mark>{}</mark>{}", before, match, after)
