"""PostgreSQL: tsvectors of character 4-grams with GIN, answering most terms exactly.

GIN keeps no positions, so a term must be one token to be answered from the index alone.
Each character starts a 4-gram (cut short, with an end mark, at the end of the text): a term
of four characters is one token, and a shorter one is a prefix of tokens ("台积电" is every
4-gram that starts with it). Chinese words are mostly that short; Latin names are longer
(Azure, RedCap, Wi-Fi7), so each ASCII character also starts an 8-gram. Any other term is
looked up by all its 4-grams and confirmed with strpos() on the folded text.

A one-character term would be a prefix of every 4-gram the character starts (tens of
thousands for a common one): each character is also a token of its own, one list in GIN.

Measured over 100,000 generated items (bench/bench_search.py): bigrams confirmed by strpos()
cost ~10 µs a candidate for every term of three characters or more (a 9,600-hit count took
100 ms, 8 ms with 4-grams); trigrams still left four-character words to confirm; the RUM
extension answers phrases from its index but needs a superuser to install it. The price of
4-grams is size and write time: the index is about twice the bigram one, and an item takes
about 1 ms more to index.
"""

from contextlib import nullcontext

from django.db import OperationalError, transaction

from . import TABLE, KeyedIndex, Match, SearchTooBroad

GRAM = 4
LONG_GRAM = 8  # started by ASCII characters only, marked "a" rather than "b"
END = " "  # marks the end of the text; folded text has no white space


def _cancelled(error):
    """Whether PostgreSQL cancelled the statement (statement_timeout): SQLSTATE 57014."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "57014" or getattr(cause, "pgcode", None) == "57014"


def _quote(token):
    """A lexeme as tsvector and tsquery input read it: quoted, so any character may be in it."""
    return document((token,))


def grams(folded):
    """The set of index tokens of a folded text: its 4-grams, 8-grams at ASCII characters, and
    each character on its own.

    A token is the characters themselves behind a mark of its kind ("b", "a" or "u"), cut
    short with END at the end of the text.
    """
    text = folded + END
    tokens = {"b" + text[start : start + GRAM] for start in range(len(folded))}
    tokens.update("u" + char for char in folded)
    if not folded.isascii():
        starts = [start for start, char in enumerate(folded) if char.isascii()]
    else:
        starts = range(len(folded))
    tokens.update("a" + text[start : start + LONG_GRAM] for start in starts)
    return tokens


def document(tokens):
    """The tsvector input of the tokens, each quoted (backslash and quote escaped).

    Escaped in one pass over the whole text rather than token by token: a quarter of the
    time. Folded text has no NUL, which PostgreSQL's text cannot hold.
    """
    if not tokens:
        return ""
    joined = "\x00".join(tokens).replace("\\", "\\\\").replace("'", "''")
    return "'" + joined.replace("\x00", "' '") + "'"


def _token_query(term):
    """The tsquery of the tokens that contain `term`, and whether it needs confirming."""
    if len(term) == 1:
        return _quote("u" + term), False
    if len(term) <= GRAM:
        return _quote("b" + term) + ("" if len(term) == GRAM else ":*"), False
    if term[0].isascii() and len(term) <= LONG_GRAM:
        return _quote("a" + term) + ("" if len(term) == LONG_GRAM else ":*"), False
    fours = [term[start : start + GRAM] for start in range(len(term) - GRAM + 1)]
    return " & ".join(_quote("b" + four) for four in fours), True


class PostgresIndex(KeyedIndex):
    """Rows of (item, key, token tsvectors of the whole text and of the title, folded texts)."""

    key_column = "key"
    ranked_with_count = 100  # the API's largest page: pages within it cost no further search

    def create(self, cursor):
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "item_id bigint PRIMARY KEY, key bigint NOT NULL, "
            "document tsvector NOT NULL, title_document tsvector NOT NULL, "
            "title text NOT NULL, body text NOT NULL)"
        )
        # Keep the table itself narrow: documents and texts live out of line (TOAST), so
        # counting thousands of matches from the GIN index touches few pages.
        cursor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN body SET STORAGE EXTERNAL")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN title SET STORAGE EXTERNAL")
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

    def delete(self, cursor, item_ids):
        cursor.execute(f"DELETE FROM {TABLE} WHERE item_id = ANY(%s)", [list(item_ids)])

    def write(self, cursor, docs):
        """Add rows for items that have none (`search._write` deletes the old ones)."""
        rows = []
        for doc in docs:
            title_grams = grams(doc.title)
            tokens = title_grams | grams(doc.body)
            rows.append(
                (
                    doc.item_id,
                    doc.key,
                    document(tokens),
                    document(title_grams),
                    doc.title,
                    doc.body,
                )
            )
        cursor.executemany(
            f"INSERT INTO {TABLE} (item_id, key, document, title_document, title, body) "
            "VALUES (%s, %s, %s::tsvector, %s::tsvector, %s, %s)",
            rows,
        )

    def clear(self, cursor):
        # TRUNCATE gives the space back at once: after DELETE, a rebuilt index took twice
        # the room (2.2 GB at 100,000 items) until a VACUUM FULL.
        cursor.execute(f"TRUNCATE {TABLE}")

    def compile(self, terms):
        queries, confirm = [], []
        for term in terms:
            query, unsure = _token_query(term)
            queries.append(f"({query})")
            if unsure:
                confirm.append(term)  # its 4-grams could stand apart: "abcd … bcde"
        tsquery = " & ".join(queries)
        anywhere = " AND ".join(
            ["document @@ %s::tsquery"]
            + ["(strpos(title, %s) > 0 OR strpos(body, %s) > 0)"] * len(confirm)
        )
        in_title = " AND ".join(
            ["title_document @@ %s::tsquery"] + ["strpos(title, %s) > 0"] * len(confirm)
        )
        return Match(
            (anywhere, [tsquery] + [term for term in confirm for _ in range(2)]),
            (in_title, [tsquery, *confirm]),
        )

    def ranked(self, cursor, match, scope, offset, limit, *, total=None, budget=None):
        """Count the matches and rank a page of them in one statement, in one round trip.

        Counting is the bulk of the work: GIN keeps no visibility, so each match costs a visit
        to its row. Title matches are few and come first, from the title's own index; when
        they fill the page, the matches are only counted, by the cheapest plan (a bitmap scan
        under count(*)). Otherwise the matches are collected once, both to count them and to
        take the newest body-only ones from. The count comes with the page whether or not
        `total` is known: it costs little more than the page.
        """
        anywhere, anywhere_params = match.anywhere
        in_title, in_title_params = match.in_title
        in_scope, scope_params = scope.sql(self.key_column)
        matches = f"SELECT key, item_id FROM {TABLE} WHERE {anywhere} AND {in_scope}"
        match_params = [*anywhere_params, *scope_params]
        sql = f"""
            WITH titles AS MATERIALIZED (
                SELECT key, item_id FROM {TABLE} WHERE {in_title} AND {in_scope}
            ),
            wanted AS MATERIALIZED (
                SELECT GREATEST(0, %s - count(*)) AS skip, %s - GREATEST(%s, count(*)) AS need
                FROM titles
            ),
            matches AS MATERIALIZED (
                {matches} AND (SELECT need > 0 FROM wanted)
            )
            SELECT
                CASE WHEN need > 0 THEN (SELECT count(*) FROM matches)
                     ELSE (SELECT count(*) FROM ({matches}) counted) END,
                ARRAY(SELECT item_id FROM titles ORDER BY key DESC LIMIT %s OFFSET %s),
                CASE WHEN need > 0 THEN ARRAY(
                    SELECT item_id FROM matches WHERE key NOT IN (SELECT key FROM titles)
                    ORDER BY key DESC LIMIT need OFFSET skip
                ) ELSE '{{}}' END
            FROM wanted
        """
        params = [
            *in_title_params,
            *scope_params,
            offset,
            offset + limit,
            offset,
            *match_params,
            *match_params,
            limit,
            offset,
        ]
        # SET LOCAL in the same simple query lasts as long as its implicit transaction; inside
        # an explicit one, the settings are put back after the statement.
        # - The planner prices reading documents back too low and, for a common term, would
        #   rather scan the table than the indexes.
        #   For the same reason, given a range of keys (a date range), it would rather walk the
        #   key index and read back every document in it (的 from 2000 on: 839 ms, 30 ms with
        #   bitmaps only; one issue's 50 keys: 2 ms, a bitmap of the key index still).
        # - Prefetching heap pages that are in memory costs a fifth of a count (measured).
        settings = {
            "enable_seqscan": "off",
            "enable_indexscan": "off",
            "effective_io_concurrency": "0",
        }
        if budget is not None and budget <= 0:
            raise SearchTooBroad  # spent already: statement_timeout counts in milliseconds
        if budget is not None:
            # Past its budget the statement is cancelled (SQLSTATE 57014): SearchTooBroad.
            settings["statement_timeout"] = max(1, round(budget * 1000))
        statement = (
            "".join(f"SET LOCAL {name} = {value}; " for name, value in settings.items())
            + sql
            + "".join(f"; SET LOCAL {name} TO DEFAULT" for name in settings)
        )
        # Inside a transaction, a cancelled statement would abort it: a savepoint keeps the
        # cancellation to the search (and undoes its SET LOCAL).
        within = transaction.atomic(using=cursor.db.alias) if cursor.db.in_atomic_block else None
        try:
            with within or nullcontext():
                cursor.execute(statement, params)
                while cursor.description is None and cursor.nextset():
                    pass  # past the results of SET
                total, title_ids, body_ids = cursor.fetchone()
        except OperationalError as error:
            if _cancelled(error):
                raise SearchTooBroad from error
            raise
        return total, (title_ids + body_ids)[:limit]

    def begin_rebuild(self, cursor):
        cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_document")
        cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_title")

    def end_rebuild(self, cursor):
        # GIN builds far faster with room to sort its entries in memory.
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        self.create(cursor)
        cursor.execute(f"ANALYZE {TABLE}")

    def tidy(self, cursor):
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
