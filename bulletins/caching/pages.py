"""Mark readers' pages as the same for every reader, and tag them with the public state.

`reader_page` gives a page its `ETag` (the public state, as seen at this URL) and its
`Cache-Control`, answers `304 Not Modified` to a reader who has it, and marks it for the page
cache (`middleware.PageCacheMiddleware`), which serves it, next time, without rendering it.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import get_language_from_request

from . import watch
from .state import public_state, release


def etag(request, state):
    """Tag what `request` is shown in `state`: the same tag means the same page."""
    known = getattr(request, "_page_etag", None)
    if known is not None and known[0] is state:  # the page cache asked already
        return known[1]
    # The same content reads differently on another host (absolute links) or in another
    # language, and a new release may render it differently.
    seen_as = (
        release(),
        state.version,
        request.scheme,
        request.get_host(),
        get_language_from_request(request),
        request.get_full_path(),
    )
    tag = '"' + hashlib.sha256(repr(seen_as).encode()).hexdigest()[:40] + '"'
    request._page_etag = (state, tag)
    return tag


def is_known(request, tag):
    """Whether the reader's `If-None-Match` names `tag`: their copy is the current page."""
    return tag in parse_etags(request.headers.get("If-None-Match", ""))


def set_cache_control(response, state):
    """Let browsers and shared caches keep the page, never past the next scheduled go-live."""
    if response.has_header("Cache-Control"):
        return  # a view that said otherwise (say, never_cache) has the last word
    browser, shared = settings.NEWSROOM_BROWSER_MAX_AGE, settings.NEWSROOM_SHARED_MAX_AGE
    until_next = state.seconds_to_next_live()
    if until_next is not None:
        browser, shared = min(browser, until_next), min(shared, until_next)
    patch_cache_control(response, public=True, max_age=browser, s_maxage=shared)


def not_modified(tag, state):
    response = HttpResponseNotModified()
    response["ETag"] = tag
    set_cache_control(response, state)
    return response


def state_of(request):
    """The public state this request is served in: found once, by whoever asks first.

    A reader's GET takes it from the watcher where there is one (see `watch`); an editor's
    request (one with a session) and every write read it from the database, so that an
    editor's next page shows their change whichever process serves it.
    """
    if not hasattr(request, "public_state"):
        reads = request.method not in ("GET", "HEAD") or (
            settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        if watch.enabled() and not reads:
            request.public_state = watch.current_state()
        else:
            request.public_state = public_state()
    return request.public_state


def reader_page(view):
    """Serve `view`, a page of published content that is the same for every reader, tagged
    with the public state: 304 to a reader who has it; else rendered, and marked so that the
    page cache keeps it for the next reader.

    For drafts and previews, never: they are staff-only and change with every save.
    """

    @wraps(view)
    def serve(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        state = state_of(request)
        tag = etag(request, state)
        if is_known(request, tag):
            return not_modified(tag, state)
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response["ETag"] = tag
            response.reader_page = not response.has_header("Cache-Control")
            set_cache_control(response, state)
        return response

    return serve
