"""The search index on each database: SQLite FTS5, or a PostgreSQL tsvector with GIN.

Rows are keyed by rank (see `search.sort_key`: the largest key comes first), so ranked results
come straight from the index, and every filter is a condition on that key. Each index turns
the folded text and the query terms into its own tokens: character n-grams.
"""

from dataclasses import dataclass, field

TABLE = "bulletins_search"
KEYS = "bulletins_search_key"


@dataclass
class Doc:
    item_id: int
    key: int
    title: str  # folded text (see `search.normalize`)
    body: str


class SearchTooBroad(Exception):
    """A search that would take longer than its time budget: the reader should narrow it."""


@dataclass
class Scope:
    """Which keys readers may see: key // divisor must lie in one of `ranges` (first, last),
    or be one of the numbers that the SQL `query` selects (sql, params). No ranges and no
    query: nothing is in scope."""

    divisor: int = 1
    ranges: list = field(default_factory=list)
    query: tuple | None = None

    def sql(self, column):
        """A condition on the key column: a few ranges of keys, or a subquery."""
        if self.query is not None:
            sql, params = self.query
            return f"{column} / %s IN ({sql})", [self.divisor, *params]
        if not self.ranges:
            return "0 = 1", []
        parts = [f"{column} BETWEEN %s AND %s"] * len(self.ranges)
        params = []
        for first, last in self.ranges:
            params += [first * self.divisor, (last + 1) * self.divisor - 1]
        return "(" + " OR ".join(parts) + ")", params


@dataclass
class Match:
    """A compiled query as SQL conditions with their parameters: every term anywhere, every
    term in the title, and (where an index ranks with it) every term in the body but not all
    of them in the title."""

    anywhere: tuple
    in_title: tuple
    body_only: tuple | None = None


class KeyedIndex:
    """What both indexes offer: matches within a scope, counted and ranked."""

    key_column = ""
    # How many ranked matches to fetch with the count: worth it where they come with it in one
    # statement; not where each is a query of its own and the page is not known yet.
    ranked_with_count = 0

    def ranked(self, cursor, match, scope, offset, limit, *, total=None, budget=None):
        """(number of matches, ids of the matches ranked offset to offset + limit).

        Rank: title matches first, then body-only matches; newest first within each. A
        `total` already known need not be counted again. Past `budget` seconds, the search
        stops with SearchTooBroad.
        """
        raise NotImplementedError

    def tidy(self, cursor):
        pass


def index_for(vendor):
    if vendor == "postgresql":
        from .postgres import PostgresIndex

        return PostgresIndex()
    if vendor == "sqlite":
        from .sqlite import SQLiteIndex

        return SQLiteIndex()
    raise NotImplementedError(f"search has no index for {vendor}")
