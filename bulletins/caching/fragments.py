"""Keep readers' pages of an issue rendered under the issue's own count of changes, and each
rendered item under its own content.

Any change to published content changes the public state, so every cached page is rendered
again on its next request. For an issue page that usually means an unchanged issue (another
one was edited), and an issue page shows nothing but its issue: its rows, the release's
templates, the language and the host. So the whole page, and each item's page (the item and
its neighbours), is also kept under a key made of those and of the issue's own count of
changes, which the database keeps (migration 0015): such a page then costs the public state,
the issue's row and one cache read. A changed issue gets a new key, so it is never stale.

When an issue did change, mostly one item of it did: each item's HTML, and its entry in the
table of contents, are kept under a key made of everything they are rendered from (the item's
columns, its place in the issue, the templates, the release, language and storage), so only
the changed items are rendered again; the issue's sections and items are read in one query, as
values, which is all the keys need. The rest of the issue page is kept with markers where those
parts go, under what it shows (`render_around`), and an item's page under the values of the
item, its neighbours and its issue (`render_kept`). Previews use none of these.

Everything is kept, and put together, as UTF-8: pickling text that is not ASCII costs ten
times more than pickling its bytes, and a response is bytes in the end.
"""

import hashlib
import pickle
import secrets

from django.conf import settings
from django.core.cache import caches
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..contents import ISSUE_COLUMNS, issue_contents, item_rows, make_item
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
    """Return `render()`, the HTML (UTF-8) of a reader's page of `issue` that shows nothing
    else (the issue, or `part` of it: an item's page), from the cache unless the issue changed
    since it was kept. `issue` carries `public_changes` (see `contents.published_issue`)."""
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return render()
    seen_as = (request.scheme, request.get_host(), state_of(request).epoch)
    changes = issue.public_changes or 0
    key = "issue-page:" + _digest(_rendered_with(), seen_as, issue.pk, changes, part)
    return _kept(key, render)


def _kept(key, render):
    store = _store()
    html = store.get(key)
    if html is None:
        html = render()
        store.set(key, html, settings.NEWSROOM_PAGE_CACHE_TIMEOUT)
    return html


def render_contents(issue, item_template, toc_template, *, cache=True, **context):
    """Return the sections of `issue` (see `contents.issue_contents`), each with `toc`, the HTML
    (UTF-8) of its items' entries in the table of contents (`toc_template`), and `items_html`,
    its items' HTML (`item_template`), both rendered with `context` or taken from the cache: each
    item's pair is kept under a digest of everything it is rendered from (its columns, its
    section's place, the issue's number, the templates, the context, the release).

    An issue's pairs are kept together, in one cache entry: an edit then costs one read and
    one write, where a read per item cost more than rendering the changed one."""
    sections = issue_contents(issue)
    rows = item_rows(sections)
    cache = cache and settings.NEWSROOM_FRAGMENT_CACHE
    digests, kept = [None] * len(rows), {}
    if cache:
        rendered_with = (_rendered_with(), item_template, toc_template, sorted(context.items()))
        prefix = hashlib.sha256(repr(rendered_with).encode())
        key = "items:" + _digest(prefix.hexdigest(), issue.pk)
        digests = []
        for section, values in rows:
            digest = prefix.copy()
            # Pickled: a third of repr()'s cost on the sample's rows, and as faithful (other
            # values, other bytes; at worst equal values get two digests, never one).
            digest.update(pickle.dumps((issue.number, section.position, values), 5))
            digests.append(digest.digest())
        kept = _store().get(key) or {}
    # One context for every item rendered: building one per item costs more than the item.
    item_html = get_template(item_template).template
    toc_html = get_template(toc_template).template
    shared = Context(context, autoescape=True)
    pairs, now = {section.pk: [] for section in sections}, {}
    for (section, values), digest in zip(rows, digests, strict=True):
        pair = kept.get(digest)
        if pair is None:
            with shared.push(item=make_item(section, values)):
                pair = (toc_html.render(shared).encode(), item_html.render(shared).encode())
        now[digest] = pair
        pairs[section.pk].append(pair)
    if cache and now.keys() != kept.keys():
        # Only the issue's items as they are now: a removed or changed item's pair goes.
        _store().set(key, now, settings.NEWSROOM_PAGE_CACHE_TIMEOUT)
    for section in sections:
        section.toc = b"".join(toc for toc, _ in pairs[section.pk])
        section.items_html = b"".join(html for _, html in pairs[section.pk])
    return sections


def render_around(template_name, request, context_with, parts, *, kept_as=None):
    """Return `template_name` rendered for `request` (UTF-8) with the context that
    `context_with(part)` returns, where `part(i)` stands for `parts[i]`, HTML (UTF-8) rendered
    apart and escaped there (each item's, say).

    With `kept_as`, everything the rest of the page is rendered from (besides the release,
    language, host and template), the rest is kept in the cache under it, with markers where the
    parts go: a page of which only parts changed then costs putting them in. Markers are a
    random token and a part's index; the template must output each of them, as given (no
    filter)."""
    if kept_as is None or not settings.NEWSROOM_FRAGMENT_CACHE:
        context = context_with(lambda i: mark_safe(parts[i].decode()))
        return render_to_string(template_name, context, request).encode()
    seen_as = (request.scheme, request.get_host())
    key = "around:" + _digest(_rendered_with(), seen_as, template_name, kept_as)
    store = _store()
    kept = store.get(key)
    if kept is None:
        token = secrets.token_hex(16)
        html = render_to_string(
            template_name, context_with(lambda i: mark_safe(f"{token}{i}{token}")), request
        )
        pieces = html.split(token)  # text, index, text, index, ..., text
        indexes = pieces[1::2]
        whole = len(pieces) % 2 == 1 and all(index.isdigit() for index in indexes)
        if not whole or len(set(indexes)) != len(parts):
            raise ValueError(f"{template_name} left out or altered a part's marker")
        kept = ([text.encode() for text in pieces[0::2]], [int(index) for index in indexes])
        store.set(key, kept, settings.NEWSROOM_PAGE_CACHE_TIMEOUT)
    texts, indexes = kept
    html = [texts[0]]
    for index, text in zip(indexes, texts[1:], strict=True):
        html += (parts[index], text)
    return b"".join(html)


def render_kept(request, template_name, shown, render):
    """Return `render()`, the HTML (UTF-8) of a reader's page (`template_name`) made of `shown`
    only (the values of everything it shows, besides the release, language and host), from the
    cache unless it was never rendered: after an edit to another item of its issue, an item's
    page is the same."""
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return render()
    seen_as = (request.scheme, request.get_host())
    # Pickled, as an item's key is (see render_contents): `shown` holds whole rows.
    kept_as = pickle.dumps((_rendered_with(), seen_as, template_name, shown), 5)
    return _kept("shown:" + hashlib.sha256(kept_as).hexdigest()[:40], render)


_shown_columns = [name for name in ISSUE_COLUMNS if name != "updated_at"]


def issue_shown(issue):
    """Return the columns of `issue` that its readers' pages can show: all but `updated_at`,
    which moves with every edit to any of its items."""
    return tuple(getattr(issue, name) for name in _shown_columns)
