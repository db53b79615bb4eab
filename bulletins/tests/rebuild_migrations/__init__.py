"""The real migrations of bulletins, followed by two that rebuild its tables on SQLite: the
migrations a developer writes next (test_migrations_sqlite points MIGRATION_MODULES here).

The package lists the real migrations' folder in its own path: Django loads them from here as
they are, with no copy to keep in step.
"""

import pkgutil
from importlib import import_module

from bulletins import migrations

__path__.append(migrations.__path__[0])  # noqa: F821 (a package's own __path__)

# The title of the item a data migration deletes after the rebuilds (see 9002).
DELETED_BY_MIGRATION = "迁移里删除的条目"


def latest():
    """The real migrations' leaf, whichever it is: the rebuilds come after it."""
    names = [m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name[0].isdigit()]
    needed = {
        name
        for module in names
        for app, name in import_module(f"bulletins.migrations.{module}").Migration.dependencies
        if app == "bulletins"
    }
    (leaf,) = set(names) - needed
    return ("bulletins", leaf)


def longer(model, name, by=50):
    """The model's field `name`, longer: altering a field's length rebuilds its table."""
    field = model._meta.get_field(name)
    _, _, args, kwargs = field.deconstruct()
    kwargs["max_length"] += by
    return type(field)(*args, **kwargs)
