"""Template tags of pictures (loaded as `{% load pictures %}`, see bulletins/templatetags)."""

from django import template

from . import markup

register = template.Library()


@register.simple_tag
def picture(item, lazy=True):
    """The item's picture sized for the reading column; lazy=False for one on the first screen."""
    return markup.picture(item, lazy=lazy)


@register.simple_tag
def thumbnail(item, lazy=True):
    """The item's picture as a small thumbnail beside a list entry."""
    return markup.thumbnail(item, lazy=lazy)


@register.simple_tag(takes_context=True)
def share_image(context, item):
    return markup.share_image(item, context["request"])
