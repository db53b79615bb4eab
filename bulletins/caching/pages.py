"""Serve readers' pages from the cache, and repeat requests 304, keyed on the public state.

Each request to a reader page costs one small query (`public_state`) before anything else:

- a browser, feed reader or CDN that sends the `ETag` of the copy it has gets `304 Not
  Modified` when nothing it shows has changed;
- otherwise the page comes from the server-side cache (Django's cache: local memory, or Redis
  shared by every app server when `REDIS_URL` is set), rendered at most once per state;
- and only otherwise is it rendered.

The key is the state itself, never a time to live, so a page is never stale: an edit, a
publish, an unpublish, an import, a revert, a deletion or a scheduled issue going live changes
the state, and the next request renders afresh. Old entries are simply never asked for again.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import get_language

from .state import public_state, release

# Headers a view sets that belong to the page itself (and so to its cached copy).
_PAGE_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "X-Robots-Tag")


def _etag(request, state):
    # The same content reads differently on another host (absolute links) or in another
    # language, and a new release may render it differently.
    seen_as = (
        release(),
        state.version,
        request.scheme,
        request.get_host(),
        get_language(),
        request.get_full_path(),
    )
    return '"' + hashlib.sha256(repr(seen_as).encode()).hexdigest()[:40] + '"'


def _cache_control(response, state):
    """Let browsers and shared caches keep the page, never past the next scheduled go-live."""
    if response.has_header("Cache-Control"):
        return  # a view that said otherwise (say, never_cache) has the last word
    browser, shared = settings.NEWSROOM_BROWSER_MAX_AGE, settings.NEWSROOM_SHARED_MAX_AGE
    until_next = state.seconds_to_next_live()
    if until_next is not None:
        browser, shared = min(browser, until_next), min(shared, until_next)
    patch_cache_control(response, public=True, max_age=browser, s_maxage=shared)


def _storable(request, response):
    """Only a page that is the same for every reader may be kept: not a page that read the
    session (a user's own), set a cookie, or forbade keeping it."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not (session is not None and session.accessed)
    )


def _from_cache(entry):
    status, content, headers = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _cached_or_rendered(view, request, args, kwargs, tag):
    store = caches[settings.NEWSROOM_PAGE_CACHE_ALIAS]
    key = "page:" + tag.strip('"')
    entry = store.get(key)
    if entry is not None:
        response = _from_cache(entry)
        response["X-Page-Cache"] = "hit"
        return response
    response = view(request, *args, **kwargs)
    if isinstance(response, SimpleTemplateResponse):
        response.render()  # a sitemap, say: its content is kept, not its template
    if _storable(request, response):
        headers = [(name, response[name]) for name in _PAGE_HEADERS if response.has_header(name)]
        entry = (response.status_code, response.content, headers)
        store.set(key, entry, settings.NEWSROOM_PAGE_CACHE_TIMEOUT)
        response["X-Page-Cache"] = "miss"
    return response


def reader_page(view):
    """Serve `view`, a page of published content that is the same for every reader, from the
    public state: 304 to a reader who has it, else from the cache, else rendered and kept.

    For drafts and previews, never: they are staff-only and change with every save.
    """

    @wraps(view)
    def serve(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        state = public_state()
        tag = _etag(request, state)
        offered = parse_etags(request.headers.get("If-None-Match", ""))
        if tag in offered:
            response = HttpResponseNotModified()
        elif settings.NEWSROOM_PAGE_CACHE:
            response = _cached_or_rendered(view, request, args, kwargs, tag)
        else:
            response = view(request, *args, **kwargs)
        if response.status_code in (200, 304):
            response["ETag"] = tag
            _cache_control(response, state)
        return response

    return serve
