"""Longer section and item titles: on SQLite, both tables are rebuilt. Then a data migration
deletes an item, as one that removes duplicates would: the index must let it go at once."""

from django.db import migrations

from bulletins.models import Item, Section

from . import DELETED_BY_MIGRATION, longer


def delete_item(apps, schema_editor):
    apps.get_model("bulletins", "Item").objects.filter(title=DELETED_BY_MIGRATION).delete()


class Migration(migrations.Migration):
    dependencies = [("bulletins", "9001_rebuild_issue_table")]

    operations = [
        migrations.AlterField("section", "title", longer(Section, "title")),
        migrations.AlterField("item", "title", longer(Item, "title")),
        migrations.RunPython(delete_item, migrations.RunPython.noop),
    ]
