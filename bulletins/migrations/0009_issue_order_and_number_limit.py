"""Readers' issue order (issue date, then number) in the search index; numbers up to 10⁹.

- Issues published without an issue date take the day they went live (in the site's time
  zone) as their date: readers saw that day on them already (`Issue.display_date`), and the
  order by date needs one. Drafts stay undated until an editor dates them (publishing
  requires a date from #12 on).
- Issue numbers run from 1 to 10⁹ (a check constraint): larger ones overflowed the search key.
  An existing issue past that stops the migration with a message naming it.
- The search index is keyed anew by each issue's slot (see `bulletins.search`), and SQLite's
  index is built again with the fixed-width tokens its prefix index needs.
"""

import django.core.validators
from django.db import migrations, models
from django.utils import timezone

NUMBER_MAX = 10**9


def date_published_issues(apps, schema_editor):
    Issue = apps.get_model("bulletins", "Issue")
    too_big = list(Issue.objects.filter(number__gt=NUMBER_MAX).values_list("number", flat=True))
    if too_big:
        raise RuntimeError(
            f"issue numbers run from 1 to {NUMBER_MAX:,}: renumber issue(s) {too_big[:10]} first"
        )
    undated = Issue.objects.filter(
        status="published", issue_date__isnull=True, published_at__isnull=False
    )
    for issue in undated.only("pk", "published_at"):
        # A queryset update: the date readers saw does not change, nor does `updated_at`.
        Issue.objects.filter(pk=issue.pk).update(
            issue_date=timezone.localdate(issue.published_at)
        )


def legacy_rename(on):
    """On SQLite, adding the check constraint rebuilds the issue table under a temporary name,
    then renames it; a rename checks every trigger in the schema, and the triggers of other
    tables that name the issue table (migrations 0013 and 0015) fail that check while it is away.
    The legacy rename leaves triggers alone; those are put back after migrating anyway."""

    def switch(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f"PRAGMA legacy_alter_table = {'ON' if on else 'OFF'}")

    return switch


def rebuild_search_index(apps, schema_editor):
    # The current code, not historical models: the index is derived data, rebuilt from items.
    from bulletins.search import rebuild_index
    from bulletins.search_backends import index_for

    index = index_for(schema_editor.connection.vendor)
    with schema_editor.connection.cursor() as cursor:
        index.drop(cursor)
        index.create(cursor)
    rebuild_index()  # gives every issue its slot, with or without items


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0010_roles")]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="search_slot",
            field=models.BigIntegerField(
                blank=True,
                editable=False,
                help_text=(
                    "Where the issue's items stand in the search index, from its date and "
                    "number: kept by the index (see bulletins/search.py), never typed."
                ),
                null=True,
                verbose_name="search slot",
            ),
        ),
        migrations.AlterField(
            model_name="issue",
            name="number",
            field=models.PositiveIntegerField(
                help_text=(
                    "The issue number printed as “No. N”, from 1 to 1,000,000,000. "
                    "Each issue has its own number."
                ),
                unique=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(NUMBER_MAX),
                ],
                verbose_name="number",
            ),
        ),
        migrations.AddIndex(
            model_name="issue",
            index=models.Index(fields=["search_slot"], name="issue_search_slot"),
        ),
        migrations.RunPython(date_published_issues, migrations.RunPython.noop),
        migrations.RunPython(legacy_rename(True), legacy_rename(False)),
        migrations.AddConstraint(
            model_name="issue",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__lte", NUMBER_MAX)), name="issue_number_at_most_1e9"
            ),
        ),
        migrations.RunPython(legacy_rename(False), legacy_rename(True)),
        migrations.RunPython(rebuild_search_index, migrations.RunPython.noop),
    ]
