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
import time
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from datetime import date
from itertools import accumulate

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Q

from .listing import in_order_of
from .params import ISSUE_NUMBER_MAX
from .search_backends import TABLE, Doc, Scope, index_for
from .search_backends import SearchTooBroad as SearchTooBroad  # raised by SearchResults

_WHITESPACE = re.compile(r"\s+")

# A key: the issue's slot, then the section's and the item's places in the issue's reading order.
SECTION_FACTOR = 10**4
ITEM_FACTOR = SECTION_FACTOR**2  # keys of one issue: slot * ITEM_FACTOR + reading order
LAST_POSITION = SECTION_FACTOR - 1
# Slots follow the order readers meet issues in (IssueQuerySet.newest_first): issue date, then
# number. An undated issue (a draft) takes its number as slot, below every dated one; a dated
# issue takes its date's range of DAY_SLOTS slots, and its rank by number among the issues of
# that date. An older issue imported today thus takes a slot among its date's, and no other
# issue moves, unless one of the same date has a larger number (then only those move). The
# largest key, 10⁹ + 9999-12-31's day count × 20,000 + 19,999 slots × 10⁸, fits in 63 bits.
DATED_SLOTS = ISSUE_NUMBER_MAX + 1
DAY_SLOTS = 20_000
assert (DATED_SLOTS + (date.max.toordinal() + 1) * DAY_SLOTS) * ITEM_FACTOR < 2**63


class IndexKeyError(ValueError):
    """Content that the index cannot key (positions or issues of a date past its ranges)."""


def normalize(text):
    """Fold text for matching: NFKC, case folded, without white space."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def query_terms(query):
    """Split a reader's query into normalised terms that all must appear.

    Repeated terms, and terms found inside another term ("的" beside "的是"), ask nothing
    more of an item, so they are dropped: "的 的 的是" is the one term "的是".
    """
    terms = [normalize(term) for term in _WHITESPACE.split(query or "")]
    terms = list(dict.fromkeys(term for term in terms if term))
    return [term for term in terms if not any(term != other and term in other for other in terms)]


def issue_slot(issue_date, rank_in_day, number):
    """The slot of an issue: see DATED_SLOTS."""
    if issue_date is None:
        return number
    if rank_in_day >= DAY_SLOTS:
        raise IndexKeyError(f"at most {DAY_SLOTS} issues of one date can be indexed")
    return DATED_SLOTS + issue_date.toordinal() * DAY_SLOTS + rank_in_day


def _day_slots(day):
    first = issue_slot(day, 0, None)
    return first, first + DAY_SLOTS - 1


def section_key_prefix(slot, section_position):
    """What the keys of a section's items start with (key // SECTION_FACTOR).

    Works on numbers and on query expressions alike.
    """
    return slot * SECTION_FACTOR + (LAST_POSITION - section_position)


def sort_key(slot, section_position, item_position):
    """Key an item so that larger keys come first to readers: newer issues first (by slot),
    then the issue's reading order (sections, then items, by position), which is counted back
    from the end of the issue's range of keys."""
    if not (0 < section_position <= LAST_POSITION and 0 < item_position <= LAST_POSITION):
        raise IndexKeyError(f"positions from 1 to {LAST_POSITION} can be indexed")
    prefix = section_key_prefix(slot, section_position)
    return prefix * SECTION_FACTOR + (LAST_POSITION - item_position)


def _index():
    return index_for(connection.vendor)


def _ranked_slots(rows):
    """{issue id: slot} for rows of (id, issue date, number) that hold every issue of their
    dates."""
    days = defaultdict(list)
    slots = {}
    for pk, day, number in rows:
        if day is None:
            slots[pk] = number
        else:
            days[day].append((number, pk))
    for day, issues in days.items():
        for rank, (_number, pk) in enumerate(sorted(issues)):
            slots[pk] = issue_slot(day, rank, None)
    return slots


def _place_issues(issue_ids):
    """Give the issues their slots; return {id: slot} and the ids of other issues whose slot
    moved with them (issues of the same date with larger numbers), which need re-indexing.

    Issues that hold a slot these issues are given (left behind by a write that bypassed the
    index) are placed anew too, so that two issues never share a slot.
    """
    from .models import Issue

    fields = ("pk", "issue_date", "number", "search_slot")
    known = {}  # id: (issue date, number, slot now)
    wanted_days, query = set(), Q(pk__in=issue_ids)
    while query is not None:
        fetched = Issue.objects.filter(query).values_list(*fields)
        new_days, taken = set(), Q()
        for pk, day, number, slot in fetched:
            if pk in known:
                continue
            known[pk] = (day, number, slot)
            if day is not None and day not in wanted_days:
                new_days.add(day)
            if day is None:
                taken |= Q(search_slot=number)
        for day in new_days:
            taken |= Q(search_slot__range=_day_slots(day))
        wanted_days |= new_days
        query = (Q(issue_date__in=new_days) | taken) & ~Q(pk__in=known) if taken else None
    slots = _ranked_slots((pk, day, number) for pk, (day, number, _slot) in known.items())
    _store_slots({pk: slot for pk, slot in slots.items() if known[pk][2] != slot})
    given = set(issue_ids)
    moved = [pk for pk, slot in slots.items() if pk not in given and known[pk][2] != slot]
    return slots, moved


def _store_slots(changed):
    from .models import Issue

    if changed:
        issues = [Issue(pk=pk, search_slot=slot) for pk, slot in changed.items()]
        Issue.objects.bulk_update(issues, ["search_slot"], batch_size=500)


_FIELDS = ("pk", "title", "body", "position", "section__position", "section__issue_id")


def _docs(rows, slots):
    return [
        Doc(
            item_id=pk,
            key=sort_key(slots[issue_id], section_position, position),
            title=normalize(title),
            body=normalize(body),
        )
        for pk, title, body, position, section_position, issue_id in rows
    ]


def _write(rows, *, fresh=False, slots=None):
    """Index rows of _FIELDS, replacing the items' old index rows unless they are `fresh`.

    The items' issues are placed first (see `_place_issues`), and the items of any issue that
    moved with them are keyed anew in the same pass: all old rows go before any new row is
    written, so that no key is ever held twice.
    """
    from .models import Item

    rows = list(rows)
    if not rows:
        return
    moved = []
    if slots is None:
        slots, moved = _place_issues({row[-1] for row in rows})
    stale = [] if fresh else rows
    if moved:
        stale = stale + list(Item.objects.filter(section__issue__in=moved).values_list(*_FIELDS))
    docs = _docs(rows if fresh else [], slots) + _docs(stale, slots)
    with connection.cursor() as cursor:
        index = _index()
        if stale:
            index.delete(cursor, [row[0] for row in stale])
        index.write(cursor, docs)


def index_items(items):
    """(Re)index the given items: call it in the transaction that saved them."""
    from .models import Item

    ids = [item.pk for item in items]
    if ids:
        _write(Item.objects.filter(pk__in=ids).values_list(*_FIELDS))


def index_issue(issue):
    """(Re)index every item of an issue, e.g. after the compose screen saved it (its date or
    number may have changed: its items move with it)."""
    from .models import Item

    rows = list(Item.objects.filter(section__issue=issue).values_list(*_FIELDS))
    if rows:
        _write(rows)
    else:
        _place_issues([issue.pk])  # an issue without items still takes its place


def index_new_items(items):
    """Index items just created, from the instances (with their section and its issue).

    An import's items need neither reading back nor clearing from the index (their issue's
    old items took their rows with them): 66 -> 58 ms a file on PostgreSQL.
    """
    rows = []
    for item in items:
        section = item.section
        rows.append(
            (item.pk, item.title, item.body, item.position, section.position, section.issue_id)
        )
    _write(rows, fresh=True)


def ensure_index(sender=None, using="default", **kwargs):
    """Put back what a migration dropped of the index (post_migrate receiver): on SQLite, a
    migration that rebuilds the item table drops the trigger that takes a deleted item's row
    out of the index, and a new item keyed where that row stayed could not be indexed. Does
    nothing before migration 0002 made the index."""
    db = connections[using]
    if TABLE not in db.introspection.table_names():
        return
    with db.cursor() as cursor:
        index_for(db.vendor).create(cursor)


def _slot_column_ready():
    """Whether the issue table has its search slot yet: migrations before 0009 rebuilt the
    index with the code of their day; the code of today leaves that to 0009."""
    from .models import Issue

    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, Issue._meta.db_table)
    return any(column.name == "search_slot" for column in columns)


@transaction.atomic
def rebuild_index(batch_size=2000):
    """Empty the index and index every item again; return the number of items indexed."""
    from .models import Issue, Item

    if not _slot_column_ready():
        return 0
    slots = _ranked_slots(Issue.objects.values_list("pk", "issue_date", "number"))
    stored = dict(Issue.objects.values_list("pk", "search_slot"))
    _store_slots({pk: slot for pk, slot in slots.items() if stored[pk] != slot})
    index = _index()
    with connection.cursor() as cursor:
        index.clear(cursor)
        index.begin_rebuild(cursor)
    ids = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        rows = Item.objects.filter(pk__in=batch).values_list(*_FIELDS)
        _write(rows, fresh=True, slots=slots)
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


# How long the searches of one request may take, in seconds (settings.SEARCH_TIME_BUDGET). Past
# it the search stops and the reader is asked to narrow it (SearchTooBroad): a request never
# holds a worker for longer, whatever it asks.
TIME_BUDGET = 0.5


class SearchResults:
    """Items matching a query within a scope, ranked: title matches first, then newer issues.

    A lazy sequence for Django's Paginator: `count()` and slices each cost a few queries on the
    index, or one statement on PostgreSQL, which brings the first ranked matches with the
    count, so that a page within them costs no further search. Together they may take
    TIME_BUDGET: past it, they raise SearchTooBroad.
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
            self._scope = _issue_scope(issues)
        self._total = None
        self._ranked = (0, 0, [])  # offset and size of the window fetched, its item ids
        self._spent = 0.0  # seconds the searches took so far

    def _fetch(self, offset, limit):
        budget = getattr(settings, "SEARCH_TIME_BUDGET", TIME_BUDGET)
        # A page after the count gets what is left, and at least a tenth of the budget.
        left = max(budget - self._spent, budget / 10)
        start = time.monotonic()
        try:
            with connection.cursor() as cursor:
                self._total, ids = self._index.ranked(
                    cursor, self._match, self._scope, offset, limit, total=self._total, budget=left
                )
        finally:
            self._spent += time.monotonic() - start
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


MAX_CUTS = 8


def _issue_scope(issues):
    """The keys of the issues' items, as the fewest ranges of slots that hold no other issue.

    Usually one range: the published issues are every issue from the oldest to the newest
    (drafts are undated, below them; scheduled issues above). An issue that is not in scope
    between them (a draft of an old date) cuts the range in two. Two small queries at most.
    """
    from .models import Issue

    # The queryset's own SQL as a subquery: what aggregate() sends, at half its cost in Python.
    sql, params = issues.order_by().values("search_slot").query.sql_with_params()
    table = Issue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH scope AS (SELECT min(search_slot) AS low, max(search_slot) AS high, "
            f"count(search_slot) AS n FROM ({sql}) AS wanted) "
            f"SELECT low, high, n, (SELECT count(*) FROM {table} "
            f"WHERE search_slot BETWEEN scope.low AND scope.high) FROM scope",
            params,
        )
        low, high, count, between = cursor.fetchone()
    if not count:
        return Scope(divisor=ITEM_FACTOR)
    if between == count:
        return Scope(divisor=ITEM_FACTOR, ranges=[(low, high)])
    others = Issue.objects.filter(search_slot__range=(low, high)).exclude(pk__in=issues)
    cuts = list(others.order_by("search_slot").values_list("search_slot", flat=True)[:MAX_CUTS])
    if len(cuts) == MAX_CUTS:  # scattered: the index checks each match's slot
        return Scope(divisor=ITEM_FACTOR, query=(sql, params))
    ranges, first = [], low
    for cut in cuts:
        if first < cut:
            ranges.append((first, cut - 1))
        first = cut + 1
    ranges.append((first, high))
    return Scope(divisor=ITEM_FACTOR, ranges=ranges)


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
