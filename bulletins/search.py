"""Chinese-aware search over item titles and bodies, from an index, on SQLite and PostgreSQL.

Chinese has no spaces between words, so the text is indexed as overlapping character bigrams
(what Lucene's CJK analyzer does) plus single characters, and a query term is looked up as the
phrase of its bigrams: substring semantics, for any word, including ones no dictionary knows.

Text and query are compared after NFKC normalisation, case folding and removal of white space,
so "gemma" finds Gemma, "wi-fi" finds Wi-Fi, and words the legacy import reflowed across line
breaks are found whole. Several space-separated terms must all appear.

Each bigram or character becomes an ASCII token ("b4e2dx6587", "u4e2d") so that SQLite FTS5's
unicode61 tokenizer and PostgreSQL's tsvector take it as one word, punctuation included:
"5g-a" is found only where those four characters stand together.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.expressions import RawSQL

_WHITESPACE = re.compile(r"\s+")
TABLE = "bulletins_search"


def normalize(text):
    """Fold text for matching: NFKC, case folded, without white space."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def query_terms(query):
    """Split a reader's query into normalised terms; empty terms are dropped."""
    terms = [normalize(term) for term in _WHITESPACE.split(query or "")]
    return list(dict.fromkeys(term for term in terms if term))


def text_matches(text, terms):
    """The reference rule the index implements: every term is a substring of the text."""
    folded = normalize(text)
    return all(term in folded for term in terms)


def _unigram(char):
    return f"u{ord(char):x}"


def _bigram(first, second):
    return f"b{ord(first):x}x{ord(second):x}"


def bigrams(folded):
    return [_bigram(a, b) for a, b in zip(folded, folded[1:], strict=False)]


def unigrams(folded):
    return [_unigram(char) for char in folded]


@dataclass
class _Doc:
    item_id: int
    title: str
    body: str


class _SQLiteBackend:
    """An FTS5 table; rowid is the item's id; bigrams and characters in separate columns."""

    def create(self, cursor):
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
            "title_bi, body_bi, title_uni, body_uni, tokenize='unicode61')"
        )
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_item_deleted AFTER DELETE ON bulletins_item "
            f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END"
        )

    def drop(self, cursor):
        cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_item_deleted")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def write(self, cursor, docs):
        ids = [(doc.item_id,) for doc in docs]
        cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", ids)
        rows = []
        for doc in docs:
            title, body = normalize(doc.title), normalize(doc.body)
            rows.append(
                (
                    doc.item_id,
                    " ".join(bigrams(title)),
                    " ".join(bigrams(body)),
                    " ".join(unigrams(title)),
                    " ".join(unigrams(body)),
                )
            )
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, title_bi, body_bi, title_uni, body_uni) "
            "VALUES (%s, %s, %s, %s, %s)",
            rows,
        )

    def clear(self, cursor):
        cursor.execute(f"DELETE FROM {TABLE}")

    def _expression(self, terms, *, title_only):
        parts = []
        for term in terms:
            if len(term) == 1:
                columns = "title_uni" if title_only else "title_uni body_uni"
                parts.append(f"{{{columns}}} : {_unigram(term)}")
            else:
                columns = "title_bi" if title_only else "title_bi body_bi"
                parts.append(f'{{{columns}}} : "{" ".join(bigrams(term))}"')
        return " AND ".join(parts)

    def ids(self, terms, *, title_only=False):
        return RawSQL(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s",
            [self._expression(terms, title_only=title_only)],
        )


class _PostgresBackend:
    """One tsvector per item: title tokens weighted A, body tokens D, with a GIN index.

    Bigrams and characters share positions (bigram i and character i at position i), the
    title comes first and a gap keeps a phrase from running from the title into the body.
    """

    def create(self, cursor):
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "item_id bigint PRIMARY KEY REFERENCES bulletins_item (id) "
            "ON DELETE CASCADE, "
            "document tsvector NOT NULL)"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING GIN (document)"
        )

    def drop(self, cursor):
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    @staticmethod
    def _vector(title, body):
        positions = {}
        offset = 1
        for text, weight in ((title, "A"), (body, "D")):
            for index, char in enumerate(text):
                position = min(offset + index, 16383)  # tsvector's largest position
                positions.setdefault(_unigram(char), []).append(f"{position}{weight}")
                if index + 1 < len(text):
                    positions.setdefault(_bigram(char, text[index + 1]), []).append(
                        f"{position}{weight}"
                    )
            offset += len(text) + 2
        return " ".join(f"{token}:{','.join(spots)}" for token, spots in positions.items())

    def write(self, cursor, docs):
        rows = [
            (doc.item_id, self._vector(normalize(doc.title), normalize(doc.body))) for doc in docs
        ]
        cursor.executemany(
            f"INSERT INTO {TABLE} (item_id, document) VALUES (%s, %s::tsvector) "
            "ON CONFLICT (item_id) DO UPDATE SET document = EXCLUDED.document",
            rows,
        )

    def clear(self, cursor):
        cursor.execute(f"DELETE FROM {TABLE}")

    @staticmethod
    def _tsquery(terms, *, title_only):
        weight = ":A" if title_only else ""
        parts = []
        for term in terms:
            tokens = [_unigram(term)] if len(term) == 1 else bigrams(term)
            parts.append("(" + " <-> ".join(f"{token}{weight}" for token in tokens) + ")")
        return " & ".join(parts)

    def ids(self, terms, *, title_only=False):
        return RawSQL(
            f"SELECT item_id FROM {TABLE} WHERE document @@ %s::tsquery",
            [self._tsquery(terms, title_only=title_only)],
        )


def backend(vendor=None):
    vendor = vendor or connection.vendor
    if vendor == "postgresql":
        return _PostgresBackend()
    if vendor == "sqlite":
        return _SQLiteBackend()
    raise NotImplementedError(f"search has no index for {vendor}")


def index_items(items):
    """(Re)index the given items: call it in the transaction that saved them."""
    docs = [_Doc(item.pk, item.title, item.body) for item in items]
    if docs:
        with connection.cursor() as cursor:
            backend().write(cursor, docs)


def index_issue(issue):
    """(Re)index every item of an issue, e.g. after the compose screen or an import saved it."""
    from .models import Item

    index_items(Item.objects.filter(section__issue=issue).only("id", "title", "body"))


def rebuild_index(batch_size=2000):
    """Empty the index and index every item again; return the number of items indexed."""
    from .models import Item

    with connection.cursor() as cursor:
        backend().clear(cursor)
    count, batch = 0, []
    for item in Item.objects.only("id", "title", "body").iterator(chunk_size=batch_size):
        batch.append(item)
        if len(batch) == batch_size:
            index_items(batch)
            count, batch = count + len(batch), []
    index_items(batch)
    return count + len(batch)


def search(queryset, query):
    """Narrow an Item queryset to the items matching `query`, ranked for readers.

    Title matches come first, then newer issues; the caller applies the publish rule.
    """
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    engine = backend()
    return (
        queryset.filter(Q(id__in=engine.ids(terms)))
        .annotate(
            title_hit=Case(
                When(id__in=engine.ids(terms, title_only=True), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-title_hit", "-section__issue__number", "section__position", "position")
    )


def snippet(text, terms, *, radius=40):
    """Return (before, match, after) around the first term found in `text`, for highlighting.

    Matching ignores case and white space, as search does; the snippet keeps the text as
    written. Without a match, the start of the text is returned.
    """
    folded, origin = [], []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char).casefold():
            if not piece.isspace():
                folded.append(piece)
                origin.append(index)
    folded = "".join(folded)
    for term in sorted(terms, key=len, reverse=True):
        at = folded.find(term)
        if at >= 0:
            start, end = origin[at], origin[at + len(term) - 1] + 1
            before = text[max(0, start - radius) : start]
            after = text[end : end + radius]
            return (
                ("…" if start > radius else "") + before.replace("\n", " "),
                text[start:end],
                after.replace("\n", " ") + ("…" if end + radius < len(text) else ""),
            )
    return ("", "", text[: radius * 2].replace("\n", " ") + ("…" if len(text) > radius * 2 else ""))
