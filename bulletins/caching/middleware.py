"""The server-side page cache, in front of everything but the security and static files.

A page that `reader_page` rendered is kept as it left the inner middleware (with their
headers), keyed on its `ETag`, the public state as seen at its URL. The next reader's request
for it costs one small query and one cache read: sessions, language, CSRF, authentication and
URL resolution are skipped, which is what makes a cached page nearly as cheap as a static
file. Middleware listed before this one (security headers, content security policy) still
answer every response, cached or not.

With `NEWSROOM_PAGE_CACHE=off` nothing is kept; repeat requests are still answered 304.
"""

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils.cache import cc_delim_re

from . import watch
from .pages import etag, is_known, not_modified, set_cache_control, state_of

# Headers the cache sets afresh on each response rather than keeping.
_FRESH = {"cache-control", "etag", "x-page-cache", "set-cookie"}


def _storable(response):
    """Only a page marked by `reader_page` and the same for every reader: not one that set a
    cookie or varies with the reader's cookies (a page that read the session)."""
    varies = {value.strip().lower() for value in cc_delim_re.split(response.get("Vary", ""))}
    return (
        getattr(response, "reader_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in varies
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            response = self.get_response(request)
            watch.forget()  # it may have changed what readers see: this process reads afresh
            return response
        state = state_of(request)
        tag = etag(request, state)
        if is_known(request, tag):
            return not_modified(tag, state)
        if not settings.NEWSROOM_PAGE_CACHE:
            return self.get_response(request)
        store = caches[settings.NEWSROOM_PAGE_CACHE_ALIAS]
        key = "page:" + tag.strip('"')
        entry = store.get(key)
        if entry is not None:
            return self._from_cache(entry, tag, state)
        response = self.get_response(request)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()  # a sitemap, say: its content is kept, not its template
        if _storable(response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in _FRESH]
            store.set(key, (response.content, headers), settings.NEWSROOM_PAGE_CACHE_TIMEOUT)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _from_cache(entry, tag, state):
        content, headers = entry
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["ETag"] = tag
        set_cache_control(response, state)
        response["X-Page-Cache"] = "hit"
        return response
