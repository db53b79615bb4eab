"""Cache what readers see, and answer their browsers' and feed readers' repeat requests 304.

One validator serves both: `state.public_state()` reads, in one small query and before any
rendering, the database's count of changes to published content and where the publish rule
stands in time (the last go-live passed, the next one scheduled). `pages.reader_page` keys the
server-side page cache and the `ETag` on it, and keeps `Cache-Control` from outliving the next
scheduled go-live. A draft or a preview never passes through it. On PostgreSQL,
`watch` spares readers' requests that query: each process listens for the database's
notification that the count moved.
"""

from .pages import reader_page
from .state import count_public_change, public_state

__all__ = ["count_public_change", "public_state", "reader_page"]
