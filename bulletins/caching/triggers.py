"""The triggers that count changes to published content (the table is migration 0013's).

On SQLite, Django applies many schema changes by rebuilding a table (create a copy, move the
rows, drop the old one), and a rebuilt table has lost its triggers: a later migration could
silently stop the counting, and the page cache would then serve stale pages. So the triggers
are put back, if missing, after every `migrate` (`ensure`, on post_migrate), and the counter
moves once, since a migration may have changed content. PostgreSQL keeps triggers across
ALTER TABLE; there `ensure` replaces them with the current definition.
"""

from django.db import connections

TABLES = ("issue", "section", "item")
PUBLISHED = "'published'"

_SQLITE_BUMP = (
    "INSERT INTO bulletins_publicchanges (id, changes, epoch) "
    "VALUES (1, 1, lower(hex(randomblob(8)))) ON CONFLICT (id) DO UPDATE SET changes = changes + 1;"
)
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
    touched boolean := false;
BEGIN
    IF TG_TABLE_NAME = 'bulletins_issue' THEN
        touched := (TG_OP <> 'INSERT' AND OLD.status = 'published')
                OR (TG_OP <> 'DELETE' AND NEW.status = 'published');
    ELSIF TG_TABLE_NAME = 'bulletins_section' THEN
        touched := EXISTS (
            SELECT 1 FROM bulletins_issue i WHERE i.status = 'published' AND (
                (TG_OP <> 'INSERT' AND i.id = OLD.issue_id)
                OR (TG_OP <> 'DELETE' AND i.id = NEW.issue_id)));
    ELSE
        touched := EXISTS (
            SELECT 1 FROM bulletins_section s JOIN bulletins_issue i ON i.id = s.issue_id
            WHERE i.status = 'published' AND (
                (TG_OP <> 'INSERT' AND s.id = OLD.section_id)
                OR (TG_OP <> 'DELETE' AND s.id = NEW.section_id)));
    END IF;
    IF touched THEN
        INSERT INTO bulletins_publicchanges (id, changes, epoch)
        VALUES (1, 1, md5(random()::text || clock_timestamp()::text)) ON CONFLICT (id)
        DO UPDATE SET changes = bulletins_publicchanges.changes + 1;
    END IF;
    RETURN NULL;
END
$$
"""


def sqlite_statements():
    statements = []
    for table in TABLES:
        test = _SQLITE_PUBLISHED[table]
        conditions = {
            "INSERT": test.format(row="NEW"),
            "UPDATE": f"{test.format(row='OLD')} OR {test.format(row='NEW')}",
            "DELETE": test.format(row="OLD"),
        }
        for event, condition in conditions.items():
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS bulletins_{table}_{event.lower()}_counts "
                f"AFTER {event} ON bulletins_{table} FOR EACH ROW WHEN {condition} "
                f"BEGIN {_SQLITE_BUMP} END"
            )
    return statements


def postgres_statements():
    # Deferred to commit: the counter's row is locked only as a transaction commits, after
    # all its other row locks, so two editors' transactions cannot deadlock on it.
    statements = [_POSTGRES_FUNCTION]
    for table in TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS bulletins_{table}_counts ON bulletins_{table}",
            f"CREATE CONSTRAINT TRIGGER bulletins_{table}_counts "
            f"AFTER INSERT OR UPDATE OR DELETE ON bulletins_{table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION bulletins_count_public_change()",
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
    """Put back any counting trigger a migration dropped, and count the migration as a change
    (post_migrate receiver). Does nothing before migration 0013 made the counter's table."""
    connection = connections[using]
    if "bulletins_publicchanges" not in connection.introspection.table_names():
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
