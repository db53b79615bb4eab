"""Rebuild the PostgreSQL search index as 4-grams (SQLite's bigram index is unchanged)."""

from django.db import migrations


def rebuild_postgres_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The current code, not historical models: the index is derived data, rebuilt from items.
    from bulletins.search import rebuild_index
    from bulletins.search_backends import index_for

    index = index_for("postgresql")
    with schema_editor.connection.cursor() as cursor:
        index.drop(cursor)
        index.create(cursor)
    if apps.get_model("bulletins", "Item").objects.exists():
        rebuild_index()


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0004_issue_published_index")]

    operations = [migrations.RunPython(rebuild_postgres_index, migrations.RunPython.noop)]
