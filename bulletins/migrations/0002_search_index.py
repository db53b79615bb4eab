"""Create the search index: an FTS5 table on SQLite, a tsvector table with GIN on PostgreSQL."""

from django.db import migrations


def create_index(apps, schema_editor):
    from bulletins.search import rebuild_index
    from bulletins.search_backends import index_for

    with schema_editor.connection.cursor() as cursor:
        index_for(schema_editor.connection.vendor).create(cursor)
    if apps.get_model("bulletins", "Item").objects.exists():
        rebuild_index()


def drop_index(apps, schema_editor):
    from bulletins.search_backends import index_for

    with schema_editor.connection.cursor() as cursor:
        index_for(schema_editor.connection.vendor).drop(cursor)


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
