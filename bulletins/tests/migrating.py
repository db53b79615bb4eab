"""Migrate a SQLite file as a site does, then use the site; print what was seen as JSON.

Run by test_migrations_sqlite in a subprocess (`python -m bulletins.tests.migrating STEP…`),
since each `migrate` needs a database of its own, on a file. Steps, in the order given:

- `migrate`: the real migrations; `rebuild`: with the two that rebuild the tables after them
  (`rebuild_migrations`);
- `content`: the demo issue, published; its last item titled for a data migration to delete.
"""

import json
import sys

import django
from django.conf import settings

REBUILDS = {"bulletins": "bulletins.tests.rebuild_migrations"}
TITLE = "迁移之后改写的标题"
TABLES = ("bulletins_issue", "bulletins_section", "bulletins_item")


def migrate(rebuilds=False):
    from django.core.management import call_command
    from django.db import connections

    settings.MIGRATION_MODULES = REBUILDS if rebuilds else {}
    call_command("migrate", verbosity=0, interactive=False)
    connections.close_all()  # the next step connects anew, as the next command would


def content():
    from django.core.management import call_command

    from bulletins.models import Item
    from bulletins.search import index_issue

    from .rebuild_migrations import DELETED_BY_MIGRATION

    call_command("load_demo", verbosity=0)
    last = Item.objects.order_by("pk").last()
    last.title = DELETED_BY_MIGRATION
    last.save()
    index_issue(last.section.issue)


def schema(table):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        return cursor.fetchone()[0]


def found(words):
    from bulletins.models import Issue
    from bulletins.search import SearchResults, query_terms

    results = SearchResults(query_terms(words), issues=Issue.objects.published())
    return results.count(), [item.pk for item in results[:10]]


def use_the_site():
    """Edit a published item and delete another, as an editor would; report what readers get."""
    from django.db import connection

    from bulletins.caching import triggers
    from bulletins.caching.state import public_state
    from bulletins.models import Issue, Item
    from bulletins.search import index_issue

    from .rebuild_migrations import DELETED_BY_MIGRATION

    published = Item.objects.filter(section__issue__in=Issue.objects.published())
    edited, deleted = published.order_by("pk")[:2]
    before = public_state().version
    edited.title = TITLE
    edited.save()
    index_issue(edited.section.issue)
    after_edit = public_state().version
    deleted_title = deleted.title
    deleted.delete()
    return {
        "installed": sorted(triggers.installed(connection)),
        "expected": sorted(triggers.expected(connection)),
        "edit_counted": after_edit != before,
        "delete_counted": public_state().version != after_edit,
        "edited": edited.pk,
        "found_edited": found(TITLE),
        "found_deleted": found(deleted_title),
        "found_deleted_by_migration": found(DELETED_BY_MIGRATION),
        "schemas": {table: schema(table) for table in TABLES},
    }


STEPS = {
    "migrate": migrate,
    "rebuild": lambda: migrate(rebuilds=True),
    "content": content,
}

if __name__ == "__main__":
    django.setup()
    for step in sys.argv[1:]:
        STEPS[step]()
    print(json.dumps(use_the_site(), ensure_ascii=False))
