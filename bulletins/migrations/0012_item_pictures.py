"""Pictures: caption, credit and the record of renditions; the image field stores by content."""

import bulletins.images.fields
import bulletins.models
from django.db import migrations, models


def restore_search_trigger(apps, schema_editor):
    """SQLite rebuilds the item table to add the new columns, and a rebuilt table loses the
    trigger that removes a deleted item from the search index: create it again."""
    if schema_editor.connection.vendor != "sqlite":
        return
    # The current code, not historical models: the index is derived data of the search code.
    from bulletins.search_backends import index_for

    with schema_editor.connection.cursor() as cursor:
        index_for("sqlite").create(cursor)


class Migration(migrations.Migration):

    dependencies = [
        ("bulletins", "0008_drop_duplicate_section_slug_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="image_caption",
            field=models.CharField(blank=True, help_text="Optional. Shown under the picture, e.g. what or who it shows.", max_length=300, verbose_name="image caption"),
        ),
        migrations.AddField(
            model_name="item",
            name="image_credit",
            field=models.CharField(blank=True, help_text="Optional. Who took or owns the picture, e.g. a photographer or an agency; shown under the picture as “Image: …”.", max_length=200, verbose_name="image credit"),
        ),
        migrations.AddField(
            model_name="item",
            name="image_renditions",
            field=models.JSONField(blank=True, editable=False, help_text="The picture's size and the resized copies made of it (set on upload).", null=True, verbose_name="image renditions"),
        ),
        migrations.AlterField(
            model_name="item",
            name="image",
            field=bulletins.images.fields.PictureField(blank=True, help_text="An optional picture shown with the item: JPEG, PNG, WebP or GIF, up to 10 MB and 40 megapixels. It is turned upright, its location and camera data are removed, and readers get copies sized for their screens.", record_field="image_renditions", upload_to=bulletins.models.item_image_path, verbose_name="image"),
        ),
        migrations.RunPython(restore_search_trigger, migrations.RunPython.noop),
    ]
