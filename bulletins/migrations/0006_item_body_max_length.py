"""Cap an item’s body at 20,000 characters (checked by forms and the legacy import).

The cap changes nothing in the database, so the database is left alone: on SQLite an AlterField
rebuilds the item table, which would drop the search index's trigger on it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0005_search_index_4grams")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="item",
                    name="body",
                    field=models.TextField(
                        help_text="Plain text. Start each paragraph on a new line.",
                        max_length=20000,
                        verbose_name="body",
                    ),
                )
            ]
        )
    ]
