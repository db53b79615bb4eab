"""The search index on each database: SQLite FTS5, or a PostgreSQL tsvector with GIN.

Rows are keyed by the item's reading order (see `search.sort_key`), so newest-first results
come straight from the index, and every filter is a condition on that key.
"""

from dataclasses import dataclass

TABLE = "bulletins_search"
KEYS = "bulletins_search_key"


class _HexCache(dict):
    def __missing__(self, char):
        value = self[char] = format(ord(char), "x")
        return value


_HEX = _HexCache()
_END = "0"  # stands for the end of the text: every character starts a bigram


def gram(chars):
    """The token of a run of characters: "b" and their code points in hex, joined by "x"."""
    return "b" + "x".join(_HEX[char] for char in chars)


def bigrams(folded):
    """Tokens of the overlapping character pairs, the last character paired with the end."""
    codes = [_HEX[char] for char in folded]
    codes.append(_END)
    return [f"b{first}x{second}" for first, second in zip(codes, codes[1:], strict=False)]


@dataclass
class Doc:
    item_id: int
    key: int
    title: str  # normalised text
    body: str
    title_tokens: list  # its bigrams
    body_tokens: list


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
    """A compiled query as SQL conditions with their parameters: every term anywhere, every
    term in the title, and every term in the body but not all of them in the title."""

    anywhere: tuple
    in_title: tuple
    body_only: tuple


class _KeyedIndex:
    """What both indexes share: matches within a scope, counted or listed newest first."""

    key_column = ""

    def count(self, cursor, condition, scope):
        where, params = condition
        in_scope, scope_params = scope.sql(self.key_column)
        cursor.execute(
            f"SELECT count(*) FROM {TABLE} WHERE {where} AND {in_scope}", [*params, *scope_params]
        )
        return cursor.fetchone()[0]

    needs_transaction = False  # whether prepare() sets something for one transaction

    def hits(self, cursor, condition, scope, offset, limit, *, sparse=True):
        """(key, item id) of matches, newest first. `sparse`: few rows match (see PostgresIndex)."""
        where, params = condition
        in_scope, scope_params = scope.sql(self.key_column)
        cursor.execute(
            self.newest_first(f"{where} AND {in_scope}"), [*params, *scope_params, limit, offset]
        )
        return cursor.fetchall()


class SQLiteIndex(_KeyedIndex):
    """FTS5 table whose rowid is the sort key; a narrow table maps items to their keys."""

    key_column = "rowid"

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
            [(doc.key, " ".join(doc.title_tokens), " ".join(doc.body_tokens)) for doc in docs],
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
            for tokens, prefix in terms.values():
                phrase = f"{tokens[0]}*" if prefix else '"' + " ".join(tokens) + '"'
                parts.append(f"{columns} : {phrase}")
            return " AND ".join(parts)

        anywhere, in_title = expression("{title body}"), expression("{title}")
        match = f"{TABLE} MATCH %s"
        return Match(
            (match, [anywhere]),
            (match, [in_title]),
            (match, [f"({anywhere}) NOT ({in_title})"]),
        )

    def prepare(self, cursor):
        pass

    def begin_rebuild(self, cursor):
        pass

    def end_rebuild(self, cursor):
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")

    @staticmethod
    def newest_first(where):
        """A page of matching rowids, newest first, then the items they stand for."""
        page = f"SELECT rowid FROM {TABLE} WHERE {where} ORDER BY rowid DESC LIMIT %s OFFSET %s"
        return (
            f"SELECT page.rowid, {KEYS}.item_id FROM ({page}) AS page "
            f"JOIN {KEYS} ON {KEYS}.key = page.rowid ORDER BY page.rowid DESC"
        )


class PostgresIndex(_KeyedIndex):
    """Rows of (item, key, bigram tsvector, title tsvector, folded text) with GIN indexes.

    The document's tsvector holds bigrams without positions, so GIN answers a term of one or
    two characters exactly without reading rows back; a longer term is looked up by all its
    bigrams and confirmed with strpos() on the folded text. The small title tsvector keeps
    positions for phrase matching, to rank title matches first.
    (Indexing runs of three and four characters too was tried: exact for more terms, but the
    index took over five times as long to build, so it was left out.)
    """

    key_column = "key"

    def create(self, cursor):
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "item_id bigint PRIMARY KEY, "
            "key bigint NOT NULL, document tsvector NOT NULL, title_document tsvector NOT NULL, "
            "folded text NOT NULL)"
        )
        # Keep the table itself narrow: documents and texts live out of line (TOAST), so
        # counting thousands of matches from the GIN index touches few pages.
        cursor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN folded SET STORAGE EXTERNAL")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING GIN (document)"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_title ON {TABLE} USING GIN (title_document)"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_key ON {TABLE} (key)")
        # Rows follow their items out, by triggers rather than a foreign key, so that Django's
        # flush (TRUNCATE of its own tables) still works.
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {TABLE}_forget() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP = 'TRUNCATE' THEN TRUNCATE {TABLE}; "
            f"ELSE DELETE FROM {TABLE} WHERE item_id = OLD.id; END IF; RETURN NULL; END $$"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_item_deleted ON bulletins_item")
        cursor.execute(
            f"CREATE TRIGGER {TABLE}_item_deleted AFTER DELETE ON bulletins_item "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_forget()"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_item_truncated ON bulletins_item")
        cursor.execute(
            f"CREATE TRIGGER {TABLE}_item_truncated AFTER TRUNCATE ON bulletins_item "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_forget()"
        )

    def drop(self, cursor):
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_forget() CASCADE")

    @staticmethod
    def _title_vector(tokens):
        positions = {}
        for index, token in enumerate(tokens[:16383], start=1):  # tsvector's largest position
            positions.setdefault(token, []).append(str(index))
        return " ".join(f"{token}:{','.join(spots)}" for token, spots in positions.items())

    def delete(self, cursor, item_ids):
        cursor.execute(f"DELETE FROM {TABLE} WHERE item_id = ANY(%s)", [list(item_ids)])

    def write(self, cursor, docs):
        cursor.executemany(
            f"INSERT INTO {TABLE} (item_id, key, document, title_document, folded) "
            "VALUES (%s, %s, %s::tsvector, %s::tsvector, %s) ON CONFLICT (item_id) DO UPDATE "
            "SET key = EXCLUDED.key, document = EXCLUDED.document, "
            "title_document = EXCLUDED.title_document, folded = EXCLUDED.folded",
            [
                (
                    doc.item_id,
                    doc.key,
                    " ".join(set(doc.title_tokens) | set(doc.body_tokens)),
                    self._title_vector(doc.title_tokens),
                    f"{doc.title}\x01{doc.body}",
                )
                for doc in docs
            ],
        )

    def clear(self, cursor):
        cursor.execute(f"DELETE FROM {TABLE}")

    def compile(self, terms):
        lexemes, phrases, confirm = [], [], []
        for term, (tokens, prefix) in terms.items():
            if prefix:
                lexemes.append(f"{tokens[0]}:*")
                phrases.append(f"{tokens[0]}:*")
                continue
            lexemes += tokens
            phrases.append("(" + " <-> ".join(tokens) + ")")
            if len(tokens) > 1:
                confirm.append(term)  # its bigrams could stand apart: "ab … bc" for "abc"
        anywhere = " AND ".join(
            ["document @@ %s::tsquery"] + ["strpos(folded, %s) > 0"] * len(confirm)
        )
        anywhere_params = [" & ".join(lexemes), *confirm]
        in_title = "title_document @@ %s::tsquery"
        in_title_params = [" & ".join(phrases)]
        return Match(
            (anywhere, anywhere_params),
            (in_title, in_title_params),
            (f"{anywhere} AND NOT {in_title}", [*anywhere_params, *in_title_params]),
        )

    needs_transaction = True

    @staticmethod
    def newest_first(where):
        return (
            f"SELECT key, item_id FROM {TABLE} WHERE {where} ORDER BY key DESC LIMIT %s OFFSET %s"
        )

    def hits(self, cursor, condition, scope, offset, limit, *, sparse=True):
        """Collect sparse matches from the GIN index first, then order them.

        Left to itself the planner may walk the key index newest first and test every row,
        which reads each row's document back: fine when most rows match, slow when few do.
        """
        if not sparse:
            return super().hits(cursor, condition, scope, offset, limit)
        where, params = condition
        in_scope, scope_params = scope.sql(self.key_column)
        cursor.execute(
            f"WITH matches AS MATERIALIZED (SELECT key, item_id FROM {TABLE} "
            f"WHERE {where} AND {in_scope}) "
            "SELECT key, item_id FROM matches ORDER BY key DESC LIMIT %s OFFSET %s",
            [*params, *scope_params, limit, offset],
        )
        return cursor.fetchall()

    def prepare(self, cursor):
        """Make the planner answer from the indexes: it prices reading documents back too low.

        Call inside a transaction: SET LOCAL ends with it.
        """
        cursor.execute("SET LOCAL enable_seqscan = off")

    def begin_rebuild(self, cursor):
        cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_document")
        cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_title")

    def end_rebuild(self, cursor):
        # GIN builds far faster with room to sort its entries in memory.
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        self.create(cursor)
        cursor.execute(f"ANALYZE {TABLE}")


def index_for(vendor):
    if vendor == "postgresql":
        return PostgresIndex()
    if vendor == "sqlite":
        return SQLiteIndex()
    raise NotImplementedError(f"search has no index for {vendor}")
