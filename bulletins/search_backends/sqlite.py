"""SQLite: an FTS5 table of character bigrams whose rowid is the sort key.

A term is the phrase of its bigrams, which FTS5 answers exactly from its position lists; a
one-character term is a prefix: every bigram it starts ("b4e2dx*"). Bigrams are written as
ASCII words ("b4e2dx6587") so that the unicode61 tokenizer takes each as one word,
punctuation included.
"""

from . import KEYS, TABLE, KeyedIndex, Match


class _HexCache(dict):
    def __missing__(self, char):
        value = self[char] = format(ord(char), "x")
        return value


_HEX = _HexCache()
END = "0"  # stands for the end of the text, so that every character starts an n-gram


def gram(chars):
    """The token of a run of characters: "b" and their code points in hex, joined by "x"."""
    return "b" + "x".join(_HEX[char] for char in chars)


def bigrams(folded):
    """Tokens of the character pairs starting at each character, the last one paired with END:
    "ab" gives "b61x62" and "b62x0"."""
    codes = [_HEX[char] for char in folded]
    codes.append(END)
    return [f"b{first}x{second}" for first, second in zip(codes, codes[1:], strict=False)]


def _phrase(term):
    if len(term) == 1:
        return f"{gram(term)}x*"
    return '"' + " ".join(bigrams(term)[:-1]) + '"'


class SQLiteIndex(KeyedIndex):
    """FTS5 table (title, body) keyed by rowid; a narrow table maps items to their keys."""

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

    def ranked(self, cursor, match, scope, offset, limit, *, total=None):
        """Count, then take title matches and, past them, body-only matches: each a query, as
        FTS5 answers each from its index, newest first, stopping at the page's end."""
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
