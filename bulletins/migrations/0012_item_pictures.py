"""Pictures: caption, credit and the record of renditions; the image field stores by content.

On SQLite, Django adds a NOT NULL column (or alters a field's class) by rebuilding the table,
and a rebuilt table loses the triggers other migrations put on it (the search index's, the
public changes counter's). The columns are therefore added with plain ALTER TABLE ... ADD
COLUMN, which SQLite and PostgreSQL both do in place; the image field's new class changes
nothing in the database.
"""

import bulletins.images.fields
import bulletins.models
from django.db import migrations, models

TEXT_COLUMNS = [("image_caption", 300), ("image_credit", 200)]


def add_text_columns(apps, schema_editor):
    for column, length in TEXT_COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE bulletins_item ADD COLUMN {column} varchar({length}) DEFAULT '' NOT NULL"
        )


def drop_text_columns(apps, schema_editor):
    for column, _ in TEXT_COLUMNS:
        schema_editor.execute(f"ALTER TABLE bulletins_item DROP COLUMN {column}")


CAPTION = models.CharField(
    blank=True,
    help_text="Optional. Shown under the picture, e.g. what or who it shows.",
    max_length=300,
    verbose_name="image caption",
)
CREDIT = models.CharField(
    blank=True,
    help_text="Optional. Who took or owns the picture, e.g. a photographer or an agency; shown under the picture as “Image: …”.",
    max_length=200,
    verbose_name="image credit",
)
RENDITIONS = models.JSONField(
    blank=True,
    editable=False,
    help_text="The picture's size and the resized copies made of it (set on upload).",
    null=True,
    verbose_name="image renditions",
)
IMAGE = bulletins.images.fields.PictureField(
    blank=True,
    help_text="An optional picture shown with the item: JPEG, PNG, WebP or GIF, up to 10 MB and 40 megapixels. It is turned upright, its location and camera data are removed, and readers get copies sized for their screens.",
    record_field="image_renditions",
    upload_to=bulletins.models.item_image_path,
    verbose_name="image",
)


class Migration(migrations.Migration):

    dependencies = [
        ("bulletins", "0013_public_changes_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField("item", "image_caption", CAPTION),
                migrations.AddField("item", "image_credit", CREDIT),
                migrations.AddField("item", "image_renditions", RENDITIONS),
                migrations.AlterField("item", "image", IMAGE),
            ],
            database_operations=[
                migrations.RunPython(add_text_columns, drop_text_columns),
                # Nullable without a default: an ALTER TABLE on SQLite too.
                migrations.AddField("item", "image_renditions", RENDITIONS),
            ],
        ),
    ]
