"""Keep an issue's rendered contents under the issue's own count of changes.

Any change to published content changes the public state, so every cached page is rendered
again on its next request: the first view after a change. For an issue page, that usually
means an unchanged issue (another issue was edited). Its contents — the table of contents and
every item, the bulk of the rendering and of the queries — are kept under a key made of the
issue's own count of changes, which the database keeps (migration 0015), with the release,
language, host and storage they were rendered with. Such a page then costs the issue's row,
one cache read and the page around the contents. A changed issue gets a new key, so its
contents are never stale. Previews never use it.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

from .pages import state_of
from .state import release


def _key(request, issue, preview):
    seen_as = (
        release(),
        state_of(request).epoch,
        issue.pk,
        issue.public_changes or 0,
        preview,
        get_language(),
        request.scheme,
        request.get_host(),
        settings.MEDIA_URL,
        repr(settings.STORAGES.get("default")),
    )
    return "contents:" + hashlib.sha256(repr(seen_as).encode()).hexdigest()[:40]


def issue_contents(request, issue, render, *, preview=False):
    """Return `render()` (the issue's contents, anything picklable), from the cache when the
    issue has not changed since it was kept. `issue` must carry `public_changes`
    (`Issue.objects.annotate(public_changes=issue_changes())`)."""
    if preview or not settings.NEWSROOM_FRAGMENT_CACHE:
        return render()
    store = caches[settings.NEWSROOM_PAGE_CACHE_ALIAS]
    key = _key(request, issue, preview)
    contents = store.get(key)
    if contents is None:
        contents = render()
        store.set(key, contents, settings.NEWSROOM_PAGE_CACHE_TIMEOUT)
    return contents
