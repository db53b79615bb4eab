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


class OncePerNode(template.Node):
    def __init__(self, key, nodelist):
        self.key, self.nodelist = key, nodelist

    def render(self, context):
        # One page's render (render_context holds what belongs to this template's render).
        rendered = context.render_context.setdefault(self, {})
        key = self.key.resolve(context)
        if key not in rendered:
            rendered[key] = self.nodelist.render(context)
        return rendered[key]


@register.tag
def once_per(parser, token):
    """Render the block once per value of a key within a page, and repeat that rendering.

        {% once_per item.section.issue_id %}…what the issue alone decides…{% endonce_per %}

    A listing repeats each issue's link and date beside every item it holds: formatting the
    dates and reversing the URL again for each item took a third of a search result list's
    rendering. The block must show what its key decides and nothing else.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one key")
    nodelist = parser.parse(("endonce_per",))
    parser.delete_first_token()
    return OncePerNode(parser.compile_filter(bits[1]), nodelist)
