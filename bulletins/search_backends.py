"""The search index on each database: SQLite FTS5, or a PostgreSQL tsvector with GIN.

Rows are keyed by the item's reading order (see `search.sort_key`), so newest-first results
come straight from the index, and every filter is a condition on that key.
"""

from dataclasses import dataclass

TABLE = "bulletins_search"
KEYS = "bulletins_search_key"


@dataclass
class Doc:
    item_id: int
    key: int
    title: list  # bigram tokens
    body: list


@dataclass
class Scope:
    """Which keys readers may see: key // divisor must be one of `prefixes` (sorted)."""

    prefixes: list
    divisor: int

    def sql(self, column):
        """A condition on the key column: a few ranges when prefixes run on, else a list."""
        if not self.prefixes:
            return "0 = 1", []
        ranges = []
        if isinstance(self.prefixes, range):
            ranges = [[self.prefixes.start, self.prefixes.stop - 1]]
        else:
            for prefix in self.prefixes:
                if ranges and ranges[-1][1] == prefix - 1:
                    ranges[-1][1] = prefix
                else:
                    ranges.append([prefix, prefix])
        if len(ranges) <= 8:
            parts = [f"{column} BETWEEN %s AND %s"] * len(ranges)
            params = []
            for first, last in ranges:
                params += [first * self.divisor, (last + 1) * self.divisor - 1]
            return "(" + " OR ".join(parts) + ")", params
        marks = ", ".join(["%s"] * len(self.prefixes))
        return f"{column} / %s IN ({marks})", [self.divisor, *self.prefixes]


@dataclass
class Match:
    """A compiled query: every term anywhere, or every term in the title."""

    anywhere: str
    in_title: str


class SQLiteIndex:
    """FTS5 table whose rowid is the sort key; a narrow table maps items to their keys."""

    def create(self, cursor):
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} "
            "USING fts5(title, body, tokenize='unicode61')"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {KEYS} (item_id INTEGER PRIMARY KEY, key INTEGER NOT NULL)"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {KEYS}_key ON {KEYS} (key)")
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_item_deleted AFTER DELETE ON bulletins_item "
            f"BEGIN DELETE FROM {TABLE} WHERE rowid = "
            f"(SELECT key FROM {KEYS} WHERE item_id = old.id); "
            f"DELETE FROM {KEYS} WHERE item_id = old.id; END"
        )

    def drop(self, cursor):
        cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_item_deleted")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {KEYS}")

    def delete(self, cursor, item_ids):
        rows = [(item_id,) for item_id in item_ids]
        cursor.executemany(
            f"DELETE FROM {TABLE} WHERE rowid = (SELECT key FROM {KEYS} WHERE item_id = %s)", rows
        )
        cursor.executemany(f"DELETE FROM {KEYS} WHERE item_id = %s", rows)

    def write(self, cursor, docs):
        self.delete(cursor, [doc.item_id for doc in docs])
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
            [(doc.key, " ".join(doc.title), " ".join(doc.body)) for doc in docs],
        )
        cursor.executemany(
            f"INSERT INTO {KEYS} (item_id, key) VALUES (%s, %s)",
            [(doc.item_id, doc.key) for doc in docs],
        )

    def clear(self, cursor):
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"DELETE FROM {KEYS}")

    def compile(self, terms):
        def expression(columns):
            parts = []
            for tokens, prefix in terms:
                phrase = f"{tokens[0]}*" if prefix else '"' + " ".join(tokens) + '"'
                parts.append(f"{columns} : {phrase}")
            return " AND ".join(parts)

        return Match(expression("{title body}"), expression("{title}"))

    def count(self, cursor, expression, scope):
        condition, params = scope.sql("rowid")
        cursor.execute(
            f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH %s AND {condition}",
            [expression, *params],
        )
        return cursor.fetchone()[0]

    def keys(self, cursor, expression, scope, offset, limit):
        condition, params = scope.sql("rowid")
        cursor.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND {condition} "
            "ORDER BY rowid DESC LIMIT %s OFFSET %s",
            [expression, *params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]

    def body_only(self, match):
        return f"({match.anywhere}) NOT ({match.in_title})"

    def item_ids(self, cursor, keys):
        if not keys:
            return {}
        marks = ", ".join(["%s"] * len(keys))
        cursor.execute(f"SELECT key, item_id FROM {KEYS} WHERE key IN ({marks})", keys)
        return dict(cursor.fetchall())


class PostgresIndex:
    """A table of (item, key, tsvector): title tokens weighted A, body D; GIN and key indexes.

    Bigram i sits at position i, so a term is a phrase query (b1 <-> b2 <-> ...); a gap keeps
    phrases from running from the title into the body.
    """

    def create(self, cursor):
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "item_id bigint PRIMARY KEY REFERENCES bulletins_item (id) ON DELETE CASCADE, "
            "key bigint NOT NULL, document tsvector NOT NULL)"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING GIN (document)"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_key ON {TABLE} (key)")

    def drop(self, cursor):
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    @staticmethod
    def _vector(doc):
        positions = {}
        offset = 1
        for tokens, weight in ((doc.title, "A"), (doc.body, "D")):
            for index, token in enumerate(tokens):
                position = min(offset + index, 16383)  # tsvector's largest position
                positions.setdefault(token, []).append(f"{position}{weight}")
            offset += len(tokens) + 1
        return " ".join(f"{token}:{','.join(spots)}" for token, spots in positions.items())

    def delete(self, cursor, item_ids):
        cursor.execute(f"DELETE FROM {TABLE} WHERE item_id = ANY(%s)", [list(item_ids)])

    def write(self, cursor, docs):
        cursor.executemany(
            f"INSERT INTO {TABLE} (item_id, key, document) VALUES (%s, %s, %s::tsvector) "
            "ON CONFLICT (item_id) DO UPDATE SET key = EXCLUDED.key, document = EXCLUDED.document",
            [(doc.item_id, doc.key, self._vector(doc)) for doc in docs],
        )

    def clear(self, cursor):
        cursor.execute(f"DELETE FROM {TABLE}")

    def compile(self, terms):
        def expression(weight):
            parts = []
            for tokens, prefix in terms:
                if prefix:
                    parts.append(f"{tokens[0]}:*{weight}")
                else:
                    suffix = f":{weight}" if weight else ""
                    parts.append("(" + " <-> ".join(t + suffix for t in tokens) + ")")
            return " & ".join(parts)

        return Match(expression(""), expression("A"))

    def body_only(self, match):
        return f"({match.anywhere}) & !({match.in_title})"

    def count(self, cursor, expression, scope):
        condition, params = scope.sql("key")
        cursor.execute(
            f"SELECT count(*) FROM {TABLE} WHERE document @@ %s::tsquery AND {condition}",
            [expression, *params],
        )
        return cursor.fetchone()[0]

    def keys(self, cursor, expression, scope, offset, limit):
        condition, params = scope.sql("key")
        cursor.execute(
            f"SELECT key FROM {TABLE} WHERE document @@ %s::tsquery AND {condition} "
            "ORDER BY key DESC LIMIT %s OFFSET %s",
            [expression, *params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]

    def item_ids(self, cursor, keys):
        if not keys:
            return {}
        cursor.execute(f"SELECT key, item_id FROM {TABLE} WHERE key = ANY(%s)", [keys])
        return dict(cursor.fetchall())


def index_for(vendor):
    if vendor == "postgresql":
        return PostgresIndex()
    if vendor == "sqlite":
        return SQLiteIndex()
    raise NotImplementedError(f"search has no index for {vendor}")
