"""The triggers that count changes to published content: in all (the table of migration 0013)
and for each issue (migration 0015's).

On SQLite, Django applies many schema changes by rebuilding a table (create a copy, move the
rows, drop the old one), and Django's rebuild loses the table's triggers: a migration could
silently stop the counting, and the page cache would then serve stale pages. The project's
SQLite backend (`newsroom.db_backends.sqlite3`) keeps them through a rebuild, but for one that
names a column the rebuild removed; and definitions change. So the triggers are put back after
every `migrate` (`ensure`, on post_migrate), and the counter moves once, since a migration may
have changed content. PostgreSQL keeps triggers across ALTER TABLE. Either way `ensure`
replaces them with their current definition.
"""

from django.db import connections

TABLES = ("issue", "section", "item")
PUBLISHED = "'published'"

_SQLITE_BUMP = (
    "INSERT INTO bulletins_publicchanges (id, changes, epoch) "
    "VALUES (1, 1, lower(hex(randomblob(8)))) ON CONFLICT (id) DO UPDATE SET changes = changes + 1;"
)
# Each issue's own count (migration 0015): its contents are kept rendered under it.
_SQLITE_BUMP_ISSUE = (
    "INSERT INTO bulletins_issuechanges (issue_id, changes) {rows} "
    "ON CONFLICT (issue_id) DO UPDATE SET changes = changes + 1;"
)
_SQLITE_ISSUE_OF = {
    "issue": "SELECT {row}.id, 1 WHERE true",
    "section": "SELECT {row}.issue_id, 1 WHERE true",
    "item": "SELECT issue_id, 1 FROM bulletins_section WHERE id = {row}.section_id",
}
_SQLITE_PUBLISHED = {
    "issue": "{row}.status = " + PUBLISHED,
    "section": (
        "EXISTS (SELECT 1 FROM bulletins_issue WHERE id = {row}.issue_id AND status = "
        + PUBLISHED
        + ")"
    ),
    "item": (
        "EXISTS (SELECT 1 FROM bulletins_section s JOIN bulletins_issue i ON i.id = s.issue_id "
        "WHERE s.id = {row}.section_id AND i.status = " + PUBLISHED + ")"
    ),
}

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION bulletins_count_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    issues bigint[] := '{}';
BEGIN
    IF TG_TABLE_NAME = 'bulletins_issue' THEN
        IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN issues := issues || OLD.id; END IF;
        IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN issues := issues || NEW.id; END IF;
    ELSIF TG_TABLE_NAME = 'bulletins_section' THEN
        SELECT coalesce(array_agg(i.id), '{}') INTO issues FROM bulletins_issue i
        WHERE i.status = 'published' AND (
            (TG_OP <> 'INSERT' AND i.id = OLD.issue_id)
            OR (TG_OP <> 'DELETE' AND i.id = NEW.issue_id));
    ELSE
        SELECT coalesce(array_agg(i.id), '{}') INTO issues
        FROM bulletins_section s JOIN bulletins_issue i ON i.id = s.issue_id
        WHERE i.status = 'published' AND (
            (TG_OP <> 'INSERT' AND s.id = OLD.section_id)
            OR (TG_OP <> 'DELETE' AND s.id = NEW.section_id));
    END IF;
    IF cardinality(issues) > 0 THEN
        INSERT INTO bulletins_publicchanges (id, changes, epoch)
        VALUES (1, 1, md5(random()::text || clock_timestamp()::text)) ON CONFLICT (id)
        DO UPDATE SET changes = bulletins_publicchanges.changes + 1;
        INSERT INTO bulletins_issuechanges (issue_id, changes)
        SELECT DISTINCT unnest(issues), 1 ON CONFLICT (issue_id)
        DO UPDATE SET changes = bulletins_issuechanges.changes + 1;
    END IF;
    RETURN NULL;
END
$$
"""


def sqlite_statements():
    statements = []
    for table in TABLES:
        test, issue_of = _SQLITE_PUBLISHED[table], _SQLITE_ISSUE_OF[table]
        rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}
        for event, seen in rows.items():
            name = f"bulletins_{table}_{event.lower()}_counts"
            condition = " OR ".join(test.format(row=row) for row in seen)
            bumps = _SQLITE_BUMP + "".join(
                _SQLITE_BUMP_ISSUE.format(rows=issue_of.format(row=row)) for row in seen
            )
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {event} ON bulletins_{table} FOR EACH ROW "
                f"WHEN {condition} BEGIN {bumps} END",
            ]
    return statements


# Tells every process that LISTENs (`watch.Watcher`) that the counter or the epoch moved: sent
# when the transaction commits, once however many rows it changed, never if it rolls back.
_POSTGRES_NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION bulletins_notify_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bulletins_public_changes', '');
    RETURN NULL;
END
$$
"""


def postgres_statements():
    # Deferred to commit: the counters' rows are locked only as a transaction commits, after
    # all its other row locks, so two editors' transactions cannot deadlock on them.
    statements = [_POSTGRES_FUNCTION]
    for table in TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS bulletins_{table}_counts ON bulletins_{table}",
            f"CREATE CONSTRAINT TRIGGER bulletins_{table}_counts "
            f"AFTER INSERT OR UPDATE OR DELETE ON bulletins_{table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION bulletins_count_public_change()",
        ]
    statements += [
        _POSTGRES_NOTIFY_FUNCTION,
        "DROP TRIGGER IF EXISTS bulletins_publicchanges_notify ON bulletins_publicchanges",
        "CREATE TRIGGER bulletins_publicchanges_notify "
        "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON bulletins_publicchanges "
        "FOR EACH STATEMENT EXECUTE FUNCTION bulletins_notify_public_change()",
    ]
    return statements


def installed(connection):
    """The names of the counting triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'bulletins\\_%\\_counts'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'bulletins\\_%\\_counts' ESCAPE '\\'"
            )
        return {name for (name,) in cursor.fetchall()}


def expected(connection):
    if connection.vendor == "postgresql":
        return {f"bulletins_{table}_counts" for table in TABLES}
    return {f"bulletins_{t}_{e}_counts" for t in TABLES for e in ("insert", "update", "delete")}


def ensure(sender=None, using="default", **kwargs):
    """Put back any counting trigger a migration dropped, in its current definition, and
    count the migration as a change (post_migrate receiver). Does nothing before migrations
    0013 and 0015 made the counters' tables."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if not {"bulletins_publicchanges", "bulletins_issuechanges"} <= tables:
        return
    statements = {"postgresql": postgres_statements, "sqlite": sqlite_statements}.get(
        connection.vendor
    )
    if statements is None:
        return
    with connection.cursor() as cursor:
        for statement in statements():
            cursor.execute(statement)
        cursor.execute("UPDATE bulletins_publicchanges SET changes = changes + 1 WHERE id = 1")
