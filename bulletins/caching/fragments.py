"""Keep readers' pages of an issue rendered under the issue's own count of changes, and each
rendered item under its own content.

Any change to published content changes the public state, so every cached page is rendered
again on its next request. For an issue page that usually means an unchanged issue (another
one was edited), and an issue page shows nothing but its issue: its rows, the release's
templates, the language and the host. So the whole page, and each item's page (the item and
its neighbours), is also kept under a key made of those and of the issue's own count of
changes, which the database keeps (migration 0015): such a page then costs the public state,
the issue's row and one cache read. A changed issue gets a new key, so it is never stale.

When an issue did change, mostly one item of it did: each item's HTML is kept under a key made
of everything it is rendered from (the item's columns, its place in the issue, the template,
the release, language and storage), so only the changed items are rendered again. Previews
use neither.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db.models import FileField
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .pages import state_of
from .state import release


def _store():
    return caches[settings.NEWSROOM_PAGE_CACHE_ALIAS]


def _digest(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def _rendered_with():
    storage = (settings.MEDIA_URL, repr(settings.STORAGES.get("default")))
    return (release(), get_language(), storage)


def issue_page(request, issue, render, part="issue"):
    """Return `render()`, the HTML of a reader's page of `issue` that shows nothing else (the
    issue, or `part` of it: an item's page), from the cache unless the issue changed since it
    was kept. `issue` carries `public_changes` (`Issue.objects.annotate(public_changes=
    issue_changes())`)."""
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return render()
    seen_as = (request.scheme, request.get_host(), state_of(request).epoch)
    changes = issue.public_changes or 0
    key = "issue-page:" + _digest(_rendered_with(), seen_as, issue.pk, changes, part)
    store = _store()
    html = store.get(key)
    if html is None:
        html = render()
        store.set(key, html, settings.NEWSROOM_PAGE_CACHE_TIMEOUT)
    return html


_columns = {}


def _content(item):
    model = type(item)
    if model not in _columns:
        _columns[model] = [
            (field.attname, isinstance(field, FileField)) for field in model._meta.concrete_fields
        ]
    return tuple(
        getattr(item, name).name if is_file else getattr(item, name)
        for name, is_file in _columns[model]
    )


def render_items(template_name, items, *, cache=True, **context):
    """Set `item.html` on each of `items` (of one issue, fetched with their section and
    issue): rendered with `template_name` and `context`, or taken from the cache."""
    items = list(items)
    cache = cache and settings.NEWSROOM_FRAGMENT_CACHE
    rendered_with = (_rendered_with(), template_name, sorted(context.items()))
    keys = [
        "item:"
        + _digest(rendered_with, item.section.issue.number, item.section.position, _content(item))
        for item in items
    ]
    found = _store().get_many(keys) if cache else {}
    template = get_template(template_name)
    rendered = {}
    for item, key in zip(items, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = rendered[key] = template.render({"item": item, **context})
        item.html = mark_safe(html)  # rendered by our template, escaped there
    if rendered and cache:
        _store().set_many(rendered, settings.NEWSROOM_PAGE_CACHE_TIMEOUT)
    return items
