"""SQLite: an FTS5 table of character bigrams whose rowid is the sort key.

A term is the phrase of its bigrams, which FTS5 answers exactly from its position lists; a
one-character term is every bigram it starts: a prefix. Bigrams are written as ASCII words so
that the unicode61 tokenizer takes each as one word, punctuation included: "b" and each
character's code point in four base-36 digits ("的是" is "b0611b05g5"). The fixed width gives
every one-character prefix the same length, so FTS5 keeps an index of those prefixes and
answers a one-character term with one lookup. Without it, FTS5 merged the lists of every
bigram the character starts: a single 的 took 113 ms at 100,000 items, 6 ms with it, and 37
such terms 7.2 s, 0.35 s (bench/bench_hostile.py). The prefix index about doubles the size.
"""

from contextlib import contextmanager
from time import monotonic

from django.db import OperationalError

from . import KEYS, TABLE, KeyedIndex, Match, SearchTooBroad

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
WIDTH = 4  # 36⁴ = 1,679,616 > 0x10FFFF + 1 code points
END = DIGITS[-1] * WIDTH  # stands for the end of the text: no code point is that large
PREFIX = 1 + WIDTH  # "b" and one character: the length of the prefixes FTS5 indexes
STEPS = 100  # virtual machine steps between two looks at the clock (one per match, at least)


def _base36(number):
    digits = []
    for _ in range(WIDTH):
        number, digit = divmod(number, 36)
        digits.append(DIGITS[digit])
    return "".join(reversed(digits))


class _CodeCache(dict):
    def __missing__(self, char):
        value = self[char] = _base36(ord(char))
        return value


_CODE = _CodeCache()


def bigrams(folded):
    """Tokens of the character pairs starting at each character, the last one paired with END:
    "ab" gives "b002p002q" and "b002qzzzz"."""
    codes = [_CODE[char] for char in folded]
    codes.append(END)
    return [f"b{first}{second}" for first, second in zip(codes, codes[1:], strict=False)]


def _phrase(term):
    if len(term) == 1:
        return f"b{_CODE[term]}*"
    return '"' + " ".join(bigrams(term)[:-1]) + '"'


@contextmanager
def _deadline(cursor, budget):
    """Interrupt the statements run within past `budget` seconds: SearchTooBroad.

    SQLite calls the progress handler every STEPS virtual machine steps, FTS5's reading of its
    index included: a search stops within milliseconds of its deadline (a thousand steps let
    a broad search run 50 ms past it).
    """
    if budget is None:
        yield
        return
    raw = cursor.db.connection
    deadline = monotonic() + budget
    raw.set_progress_handler(lambda: monotonic() > deadline, STEPS)
    try:
        yield
    except OperationalError as error:
        if "interrupted" in str(error):
            raise SearchTooBroad from error
        raise
    finally:
        raw.set_progress_handler(None, STEPS)


class SQLiteIndex(KeyedIndex):
    """FTS5 table (title, body) keyed by rowid; a narrow table maps items to their keys."""

    key_column = "rowid"

    def create(self, cursor):
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} "
            f"USING fts5(title, body, tokenize='unicode61', prefix='{PREFIX}')"
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
        """Add rows for items that have none (`search._write` deletes the old ones)."""
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
            [(doc.key, " ".join(bigrams(doc.title)), " ".join(bigrams(doc.body))) for doc in docs],
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
            return " AND ".join(f"{columns} : {_phrase(term)}" for term in terms)

        anywhere, in_title = expression("{title body}"), expression("{title}")
        match = f"{TABLE} MATCH %s"
        return Match(
            (match, [anywhere]),
            (match, [in_title]),
            (match, [f"({anywhere}) NOT ({in_title})"]),
        )

    def ranked(self, cursor, match, scope, offset, limit, *, total=None, budget=None):
        """Count, then take title matches and, past them, body-only matches: each a query, as
        FTS5 answers each from its index, newest first, stopping at the page's end."""
        with _deadline(cursor, budget):
            return self._ranked(cursor, match, scope, offset, limit, total)

    def _ranked(self, cursor, match, scope, offset, limit, total):
        if total is None:
            total = self._count(cursor, match.anywhere, scope)
        if limit <= 0:
            return total, []
        hits = self._newest_first(cursor, match.in_title, scope, 0, offset + limit)
        titles, hits = len(hits), hits[offset:]
        if len(hits) < limit:
            hits += self._newest_first(
                cursor, match.body_only, scope, max(0, offset - titles), limit - len(hits)
            )
        return total, hits

    def _count(self, cursor, condition, scope):
        where, params = condition
        in_scope, scope_params = scope.sql(self.key_column)
        cursor.execute(
            f"SELECT count(*) FROM {TABLE} WHERE {where} AND {in_scope}", [*params, *scope_params]
        )
        return cursor.fetchone()[0]

    def _newest_first(self, cursor, condition, scope, offset, limit):
        """Item ids of a page of matching rows, newest first."""
        where, params = condition
        in_scope, scope_params = scope.sql(self.key_column)
        page = (
            f"SELECT rowid FROM {TABLE} WHERE {where} AND {in_scope} "
            "ORDER BY rowid DESC LIMIT %s OFFSET %s"
        )
        cursor.execute(
            f"SELECT {KEYS}.item_id FROM ({page}) AS page "
            f"JOIN {KEYS} ON {KEYS}.key = page.rowid ORDER BY page.rowid DESC",
            [*params, *scope_params, limit, offset],
        )
        return [item_id for (item_id,) in cursor.fetchall()]

    def begin_rebuild(self, cursor):
        pass

    def end_rebuild(self, cursor):
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")
