"""Re-key the search index so that matches within an issue follow its reading order."""

from django.db import migrations


def rebuild_search_index(apps, schema_editor):
    if not apps.get_model("bulletins", "Item").objects.exists():
        return
    # The current code, not historical models: the index is derived data, rebuilt from items.
    from bulletins.search import rebuild_index

    rebuild_index()


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0006_item_body_max_length")]

    operations = [migrations.RunPython(rebuild_search_index, migrations.RunPython.noop)]
