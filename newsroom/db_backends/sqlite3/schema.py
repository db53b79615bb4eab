"""Table rebuilds that keep the schema's triggers.

Django applies most schema changes on SQLite (a changed `max_length` or `null`, a check
constraint, a removed field…) by rebuilding the table: make "new__t", copy the rows, drop "t",
rename "new__t" to "t" (https://www.sqlite.org/lang_altertable.html#otheralter). It leaves out
the step that recreates the triggers, and SQLite (3.26 on) checks every trigger in the schema
when it renames a table: a trigger of another table that reads "t" fails that check while "t"
is away, and the migration stops with "error in trigger …: no such table: main.t". The counting
triggers of `bulletins.caching.triggers` read the issue and section tables from the section's
and the item's.

So every rebuild sets the schema's triggers aside and puts them back, as they were, once the
table has its name again: a migration needs no trick, and the rename goes on rewriting foreign
keys as Django expects (PRAGMA legacy_alter_table would leave a self-referencing one pointing
at "new__t"). The rebuilt table keeps its own triggers too, but for one that names a column the
rebuild took away: that one could only fail, and is left to its owner (bulletins redefines its
triggers after every `migrate`). Done for each rebuild rather than once around `migrate`
(pre_migrate): triggers that a migration makes earlier in the same run (0013, on a new
database) are covered too.
"""

import re

from django.db.backends.sqlite3 import schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _remake_table(self, model, create_field=None, delete_field=None, alter_fields=None):
        table = model._meta.db_table.lower()
        triggers = self._triggers()
        for name, owner, _ in triggers:
            if owner.lower() != table:  # dropping the table takes its own
                self.execute(f"DROP TRIGGER {self.quote_name(name)}", params=None)
        super()._remake_table(model, create_field, delete_field, alter_fields)
        gone = _columns_gone(delete_field, alter_fields or ())
        for _, owner, sql in triggers:
            if owner.lower() == table and any(_names(sql, column) for column in gone):
                continue
            self.execute(sql, params=None)  # as stored: a % in it is no placeholder

    def _triggers(self):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            )
            return cursor.fetchall()


def _columns_gone(delete_field, alter_fields):
    gone = [old.column for old, new in alter_fields if old.column != new.column]
    if delete_field is not None and delete_field.column:
        gone.append(delete_field.column)
    return gone


def _names(sql, column):
    return re.search(rf"\b{re.escape(column)}\b", sql, re.IGNORECASE) is not None
