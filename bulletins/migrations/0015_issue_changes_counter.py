"""Count, for each issue, the committed changes to it, its sections and its items.

The issue page keeps its rendered contents under this count (`bulletins.caching.fragments`):
a page cache miss caused by a change to another issue then costs one query and one cache read
instead of a render of every item. The triggers that keep the count are the public changes
counter's (migration 0013), redefined by `bulletins.caching.triggers.ensure` at the end of
every `migrate`.
"""

from django.db import migrations

CREATE = (
    "CREATE TABLE bulletins_issuechanges (issue_id bigint PRIMARY KEY, changes bigint NOT NULL)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0011_source_hash_of_the_text"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP TABLE bulletins_issuechanges"),
    ]
