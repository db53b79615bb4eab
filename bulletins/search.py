"""Chinese-aware search over item titles and bodies, from an index, on SQLite and PostgreSQL.

Chinese has no spaces between words, so the text is indexed as overlapping character n-grams
(what Lucene's CJK analyzer does with bigrams), and a query term is looked up by the n-grams it
is made of: substring semantics, for any word, including ones no dictionary knows.

Text and query are compared after NFKC normalisation, case folding and removal of white space,
so "gemma" finds Gemma, "wi-fi" finds Wi-Fi, and words the legacy import reflowed across line
breaks are found whole. Several space-separated terms must all appear.

Each n-gram is one token, punctuation included, so "5g-a" is found only where those four
characters stand together. SQLite's FTS5 keeps positions, so bigrams serve every term there;
PostgreSQL's GIN keeps none, so it indexes 4-grams (and 8-grams at Latin letters and digits),
which answer most terms exactly (see `search_backends`).

Index rows are keyed by rank — newest issue first, then the issue's own reading order — so
the first matches to show come straight from the index, and the publish rule and the filters
are conditions on that key, answered from the small issue and section tables.
"""

import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate

from django.db import connection, transaction

from .listing import in_order_of
from .search_backends import Doc, Scope, index_for

_WHITESPACE = re.compile(r"\s+")
ISSUE_FACTOR = 10**8
SECTION_FACTOR = 10**4
LAST_POSITION = SECTION_FACTOR - 1


def normalize(text):
    """Fold text for matching: NFKC, case folded, without white space."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def query_terms(query):
    """Split a reader's query into normalised terms; empty terms are dropped."""
    terms = [normalize(term) for term in _WHITESPACE.split(query or "")]
    return list(dict.fromkeys(term for term in terms if term))


def section_key_prefix(issue_number, section_position):
    """What the keys of a section's items start with (key // SECTION_FACTOR).

    Works on numbers and on query expressions alike.
    """
    return issue_number * SECTION_FACTOR + (LAST_POSITION - section_position)


def sort_key(issue_number, section_position, item_position):
    """Key an item so that larger keys come first to readers: newer issues first, then the
    issue's reading order (sections, then items, by position), which is counted back from
    the end of the issue's range of keys."""
    if not (0 < section_position <= LAST_POSITION and 0 < item_position <= LAST_POSITION):
        raise ValueError(f"positions from 1 to {LAST_POSITION} can be indexed")
    prefix = section_key_prefix(issue_number, section_position)
    return prefix * SECTION_FACTOR + (LAST_POSITION - item_position)


def _index():
    return index_for(connection.vendor)


_FIELDS = ("pk", "title", "body", "position", "section__position", "section__issue__number")


def _write(rows, *, fresh=False):
    """Index rows of _FIELDS, replacing the items' old index rows unless they are `fresh`."""
    docs = [
        Doc(
            item_id=pk,
            key=sort_key(number, section_position, position),
            title=normalize(title),
            body=normalize(body),
        )
        for pk, title, body, position, section_position, number in rows
    ]
    if not docs:
        return
    with connection.cursor() as cursor:
        index = _index()
        if not fresh:
            index.delete(cursor, [doc.item_id for doc in docs])
        index.write(cursor, docs)


def index_items(items):
    """(Re)index the given items: call it in the transaction that saved them."""
    from .models import Item

    ids = [item.pk for item in items]
    if ids:
        _write(Item.objects.filter(pk__in=ids).values_list(*_FIELDS))


def index_issue(issue):
    """(Re)index every item of an issue, e.g. after the compose screen saved it."""
    from .models import Item

    _write(Item.objects.filter(section__issue=issue).values_list(*_FIELDS))


def index_new_items(items):
    """Index items just created, from the instances (with their section and its issue).

    An import's items need neither reading back nor clearing from the index (their issue's
    old items took their rows with them): 66 -> 58 ms a file on PostgreSQL.
    """
    rows = []
    for item in items:
        section = item.section
        rows.append(
            (item.pk, item.title, item.body, item.position, section.position, section.issue.number)
        )
    _write(rows, fresh=True)


@transaction.atomic
def rebuild_index(batch_size=2000):
    """Empty the index and index every item again; return the number of items indexed."""
    from .models import Item

    index = _index()
    with connection.cursor() as cursor:
        index.clear(cursor)
        index.begin_rebuild(cursor)
    ids = list(Item.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        index_items([Item(pk=pk) for pk in ids[start : start + batch_size]])
    with connection.cursor() as cursor:
        index.end_rebuild(cursor)
    return len(ids)


def tidy_index():
    """Settle the index after a rebuild, outside any transaction: on PostgreSQL, VACUUM ANALYZE
    it, so that the first searches neither set hint bits on every row nor plan from old figures.
    """
    if connection.in_atomic_block:
        return  # VACUUM cannot run in a transaction; autovacuum will get there
    with connection.cursor() as cursor:
        _index().tidy(cursor)


class SearchResults:
    """Items matching a query within a scope, ranked: title matches first, then newer issues.

    A lazy sequence for Django's Paginator: `count()` and slices each cost a few queries on the
    index, or one statement on PostgreSQL, which brings the first ranked matches with the
    count, so that a page within them costs no further search.
    """

    def __init__(self, terms, *, issues, sections=None):
        self.terms = terms
        self._index = _index()
        self._match = self._index.compile(terms)
        if sections is not None:
            # One per issue: as many as there are issues, so the database selects them.
            query = sections.order_by().values("key_prefix").query.sql_with_params()
            self._scope = Scope(divisor=SECTION_FACTOR, query=query)
        else:
            self._scope = Scope(_issue_numbers(issues), ISSUE_FACTOR)
        self._total = None
        self._ranked = (0, 0, [])  # offset and size of the window fetched, its item ids

    def _fetch(self, offset, limit):
        with connection.cursor() as cursor:
            self._total, ids = self._index.ranked(
                cursor, self._match, self._scope, offset, limit, total=self._total
            )
        self._ranked = (offset, limit, ids)

    def count(self):
        if self._total is None:
            self._fetch(0, self._index.ranked_with_count)
        return self._total

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        offset, stop = window.start or 0, window.stop
        limit = (stop if stop is not None else self.count()) - offset
        if limit <= 0:
            return []
        start, size, ids = self._ranked
        if not (start <= offset and offset + limit <= start + size):
            self._fetch(offset, limit)
            start, size, ids = self._ranked
        return _items_in_order(ids[offset - start : offset - start + limit])


def _issue_numbers(issues):
    """The sorted numbers of the issues in scope; one small query when they run on."""
    # The queryset's own SQL as a subquery: what aggregate() sends, at half its cost in Python.
    sql, params = issues.order_by().values("number").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(number), max(number), count(*) FROM ({sql}) scope", params)
        low, high, count = cursor.fetchone()
    if not count:
        return []
    if high - low + 1 == count:
        return range(low, high + 1)
    return sorted(issues.values_list("number", flat=True))


def _items_in_order(ids):
    from .models import Item

    return in_order_of(Item.objects.select_related("section__issue"), ids)


class _FoldedChars(dict):
    """Each character as search folds it (NFKC, case folded, no white space): "" to several."""

    def __missing__(self, char):
        folded = self[char] = _WHITESPACE.sub("", unicodedata.normalize("NFKC", char).casefold())
        return folded


_FOLDED = _FoldedChars()


def snippet(text, terms, *, radius=40):
    """Return (before, match, after) around the first term found in `text`, for highlighting.

    Matching ignores case and white space, as search does; the snippet keeps the text as
    written. Without a match, the start of the text is returned.
    """
    pieces = list(map(_FOLDED.__getitem__, text))
    folded = "".join(pieces)
    ends = list(accumulate(map(len, pieces)))  # ends[i]: folded length up to text[i]
    for term in sorted(terms, key=len, reverse=True):
        at = folded.find(term)
        if at >= 0:
            start = bisect_right(ends, at)
            end = bisect_right(ends, at + len(term) - 1) + 1
            before = text[max(0, start - radius) : start]
            after = text[end : end + radius]
            return (
                ("…" if start > radius else "") + before.replace("\n", " "),
                text[start:end],
                after.replace("\n", " ") + ("…" if end + radius < len(text) else ""),
            )
    return ("", "", text[: radius * 2].replace("\n", " ") + ("…" if len(text) > radius * 2 else ""))
