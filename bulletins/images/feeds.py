"""Pictures in RSS and Atom feeds: absolute URLs need the request, which Django's Feed gives
to get_feed but not to the per-entry methods; it is kept here while the feed is built."""

from contextvars import ContextVar

from django.utils.feedgenerator import Enclosure

from . import markup

_request = ContextVar("feed_request", default=None)


class FeedRequestMixin:
    """Keep the request at hand (per thread and task) while a feed is built."""

    def get_feed(self, obj, request):
        token = _request.set(request)
        try:
            return super().get_feed(obj, request)
        finally:
            _request.reset(token)


def feed_request():
    return _request.get()


def item_enclosures(item):
    """The item's shared JPEG as the entry's enclosure (RSS allows one; this is it)."""
    image = markup.share_image(item, _request.get())
    if image is None:
        return []
    return [Enclosure(image["url"], str(image["bytes"]), image["type"])]
