"""Count, in the database, every committed change to what readers can see.

The page cache and conditional GET (`bulletins.caching`) key on this counter and on the publish
rule. The database keeps it, rather than the code that writes, so that every writer is
counted: the compose screen, editorial actions, imports, reverts that bypass `save()`, queryset
`update()`s, bulk deletes, a script in `manage.py shell`. A change is counted when it touches a
published issue (scheduled ones included), its sections or its items; drafts are not counted,
so an editor composing next week's issue leaves the readers' cache alone.

A timestamp such as the issues' `updated_at` cannot serve alone: stamps come from each app
server's clock and are taken before commit, so a change committed after a later-stamped one
can carry an older stamp and go unseen by MAX(updated_at).

The row also holds a random epoch, drawn when the table is made: a database restored from a
backup into a fresh database starts a new epoch, so that a shared cache (Redis) that outlived
the old database never serves its pages for the restored one's equal counts.

On PostgreSQL the triggers are deferred to commit time: the counter's row is then locked only
as a transaction commits, after all its other row locks, so two editors' transactions cannot
deadlock on it.
"""

from django.db import migrations

PUBLISHED = "'published'"

SQLITE_BUMP = (
    "INSERT INTO bulletins_publicchanges (id, changes, epoch) "
    "VALUES (1, 1, lower(hex(randomblob(8)))) ON CONFLICT (id) DO UPDATE SET changes = changes + 1;"
)
SQLITE_PUBLISHED_SECTION = (
    "EXISTS (SELECT 1 FROM bulletins_issue WHERE id = {row}.issue_id AND status = " + PUBLISHED + ")"
)
SQLITE_PUBLISHED_ITEM = (
    "EXISTS (SELECT 1 FROM bulletins_section s JOIN bulletins_issue i ON i.id = s.issue_id "
    "WHERE s.id = {row}.section_id AND i.status = " + PUBLISHED + ")"
)


def _sqlite_statements():
    tests = {
        "issue": "{row}.status = " + PUBLISHED,
        "section": SQLITE_PUBLISHED_SECTION,
        "item": SQLITE_PUBLISHED_ITEM,
    }
    statements = [
        "CREATE TABLE bulletins_publicchanges "
        "(id integer PRIMARY KEY CHECK (id = 1), changes bigint NOT NULL, epoch text NOT NULL)",
        "INSERT INTO bulletins_publicchanges (id, changes, epoch) "
        "VALUES (1, 0, lower(hex(randomblob(8))))",
    ]
    for table, test in tests.items():
        conditions = {
            "INSERT": test.format(row="NEW"),
            "UPDATE": f"{test.format(row='OLD')} OR {test.format(row='NEW')}",
            "DELETE": test.format(row="OLD"),
        }
        for event, condition in conditions.items():
            statements.append(
                f"CREATE TRIGGER bulletins_{table}_{event.lower()}_counts AFTER {event} "
                f"ON bulletins_{table} FOR EACH ROW WHEN {condition} "
                f"BEGIN {SQLITE_BUMP} END"
            )
    return statements


POSTGRES_FUNCTION = """
CREATE FUNCTION bulletins_count_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
        VALUES (1, 1, md5(random()::text || clock_timestamp()::text)) ON CONFLICT (id) DO UPDATE SET changes = bulletins_publicchanges.changes + 1;
    END IF;
    RETURN NULL;
END
$$
"""


def _postgres_statements():
    statements = [
        "CREATE TABLE bulletins_publicchanges "
        "(id integer PRIMARY KEY CHECK (id = 1), changes bigint NOT NULL, epoch text NOT NULL)",
        "INSERT INTO bulletins_publicchanges (id, changes, epoch) "
        "VALUES (1, 0, md5(random()::text || clock_timestamp()::text))",
        POSTGRES_FUNCTION,
    ]
    for table in ("issue", "section", "item"):
        statements.append(
            f"CREATE CONSTRAINT TRIGGER bulletins_{table}_counts "
            f"AFTER INSERT OR UPDATE OR DELETE ON bulletins_{table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION bulletins_count_public_change()"
        )
    return statements


def _drop_statements(vendor):
    if vendor == "postgresql":
        return [
            *(f"DROP TRIGGER bulletins_{t}_counts ON bulletins_{t}" for t in ("issue", "section", "item")),
            "DROP FUNCTION bulletins_count_public_change()",
            "DROP TABLE bulletins_publicchanges",
        ]
    return [
        *(
            f"DROP TRIGGER bulletins_{t}_{e}_counts"
            for t in ("issue", "section", "item")
            for e in ("insert", "update", "delete")
        ),
        "DROP TABLE bulletins_publicchanges",
    ]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        chosen = statements(vendor)
        if chosen is None:
            raise NotImplementedError(f"the public changes counter does not support {vendor}")
        for statement in chosen:
            schema_editor.execute(statement, params=None)

    return run


def _create(vendor):
    return {"postgresql": _postgres_statements, "sqlite": _sqlite_statements}.get(
        vendor, lambda: None
    )()


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0008_drop_duplicate_section_slug_index"),
    ]

    operations = [
        migrations.RunPython(_run(_create), _run(_drop_statements)),
    ]
