"""The slug field indexes itself (SlugField has db_index): a second index only slowed writes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bulletins', '0007_search_keys_in_reading_order'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='section',
            name='section_slug_idx',
        ),
    ]
