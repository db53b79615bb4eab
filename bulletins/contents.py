"""Read a reader's issue, and its contents, its sections and their items in order, in one
query each.

An issue page that is not kept rendered whole (see caching.fragments) needs every section and
item of its issue, as values: they are what the kept fragments are keyed on; it makes only the
items it renders. Django takes about five times longer to build that query than SQLite takes
to run it, so it is prepared (see `prepared`), as is the query of the issue itself, which
every issue and item page runs, from the page cache's too.
"""

from django.db import connection
from django.db.models import Q, Subquery
from django.utils import timezone

from .caching.state import issue_changes
from .models import Issue, Item, Section
from .prepared import PreparedQuery

ISSUE_COLUMNS = [field.attname for field in Issue._meta.concrete_fields]

SECTION_COLUMNS = [field.attname for field in Section._meta.concrete_fields]
ITEM_COLUMNS = [field.attname for field in Item._meta.concrete_fields]


def _published(now):
    return Issue.objects.published(now=now).annotate(public_changes=issue_changes())


def _adapt_published(connection, now, *number):
    # In the order of the SQL Django compiles from published(): it sorts a filter's keywords.
    return [connection.ops.adapt_datetimefield_value(now), Issue.Status.PUBLISHED.value, *number]


_ISSUE = PreparedQuery(
    Issue,
    lambda now, number: (
        _published(now).filter(number=number).values_list(*ISSUE_COLUMNS, "public_changes")
    ),
    _adapt_published,
)
_LATEST = PreparedQuery(
    Issue,
    lambda now: _published(now).newest_first().values_list(*ISSUE_COLUMNS, "public_changes")[:1],
    _adapt_published,
)


def _issue(rows):
    if not rows:
        return None
    issue = Issue.from_db(Issue.objects.db, ISSUE_COLUMNS, rows[0][:-1])
    issue.public_changes = rows[0][-1]
    return issue


def published_issue(number):
    """Return the published issue numbered `number`, with `public_changes`, its own count of
    changes (see caching.state.issue_changes); None if readers cannot see one."""
    return _issue(_ISSUE.rows(timezone.now(), number))


def latest_issue():
    """Return the issue readers see first (see `IssueQuerySet.newest_first`), with
    `public_changes`; None before the first is published."""
    return _issue(_LATEST.rows(timezone.now()))


_CONTENTS = PreparedQuery(
    Section,
    lambda issue_id: (
        Section.objects.filter(issue_id=issue_id)
        .order_by("position", "items__position")
        .values_list(*SECTION_COLUMNS, *("items__" + name for name in ITEM_COLUMNS))
    ),
    lambda connection, issue_id: [issue_id],
)


def contents_rows(issue):
    """Return the rows of `issue`'s contents: a section's columns, then one of its items' (all
    None for a section without items), sections and items in order."""
    return _CONTENTS.rows(issue.pk)


def _make_section(issue, values):
    """Return the section of `issue` made from `values`, its columns, which it keeps."""
    section = Section.from_db(Section.objects.db, SECTION_COLUMNS, values)
    section.values = values
    Section.issue.field.set_cached_value(section, issue)
    return section


def issue_contents(issue):
    """Return the sections of `issue` in order (each with `issue`), each with `values`, its
    columns, and `rows`, the columns of its items in order: an item is made only when it is
    needed (`make_item`), since a page kept in parts needs the values of all and few items."""
    width = len(SECTION_COLUMNS)
    sections = []
    for row in contents_rows(issue):
        if not sections or sections[-1].pk != row[0]:
            section = _make_section(issue, row[:width])
            section.rows = []
            sections.append(section)
        item_values = row[width:]
        if item_values[0] is not None:  # None: the LEFT JOIN's row of a section with no items
            section.rows.append(item_values)
    return sections


def _neighbours(issue_id, section_position, item_position):
    items = Item.objects.filter(section__issue_id=issue_id)
    place = Q(section__position=section_position, position=item_position)
    before = Q(section__position__lt=section_position) | Q(
        section__position=section_position, position__lt=item_position
    )
    after = Q(section__position__gt=section_position) | Q(
        section__position=section_position, position__gt=item_position
    )
    last_before = items.filter(before).order_by("-section__position", "-position")
    first_after = items.filter(after).order_by("section__position", "position")
    return (
        items.filter(
            place
            | Q(id=Subquery(last_before.values("id")[:1]))
            | Q(id=Subquery(first_after.values("id")[:1]))
        )
        .order_by("section__position", "position")
        .values_list(*("section__" + name for name in SECTION_COLUMNS), *ITEM_COLUMNS)
    )


def _adapt_neighbours(connection, issue_id, section_position, item_position):
    # In the order of the SQL Django compiles (it sorts a filter's keywords).
    return [
        issue_id,
        *(item_position, section_position),
        *(issue_id, section_position, item_position, section_position),
        *(issue_id, section_position, item_position, section_position),
    ]


_NEIGHBOURS = PreparedQuery(Item, _neighbours, _adapt_neighbours)


def item_with_neighbours(issue, section_position, item_position):
    """Return `(previous, item, next)` of `issue`'s item at that place, each `(section,
    values)` (see `item_rows`) or None; None if the issue has no such item. One query reads
    those three rows only: an item's page shows nothing of the others."""
    low, high = connection.ops.integer_field_range("PositiveIntegerField")
    if not all(low <= place <= high for place in (section_position, item_position)):
        return None  # no position holds it, and a database may refuse to compare with it
    width = len(SECTION_COLUMNS)
    rows = _NEIGHBOURS.rows(issue.pk, section_position, item_position)
    place = (_SECTION_POSITION, width + _POSITION)
    wanted = (section_position, item_position)
    index = next(
        (i for i, row in enumerate(rows) if (row[place[0]], row[place[1]]) == wanted), None
    )
    if index is None:
        return None
    made = {}

    def made_of(row):
        if row is None:
            return None
        section = made.get(row[0])
        if section is None:
            section = made[row[0]] = _make_section(issue, row[:width])
        return section, row[width:]

    before = rows[index - 1] if index > 0 else None
    after = rows[index + 1] if index + 1 < len(rows) else None
    return made_of(before), made_of(rows[index]), made_of(after)


def make_item(section, values):
    """Return the item of `section` made from `values`, one of `section.rows`."""
    item = Item.from_db(Item.objects.db, ITEM_COLUMNS, values)
    Item.section.field.set_cached_value(item, section)
    return item


def item_rows(sections):
    """Return `(section, values)` of every item of `sections`, in order."""
    return [(section, values) for section in sections for values in section.rows]


_POSITION = ITEM_COLUMNS.index("position")
_SECTION_POSITION = SECTION_COLUMNS.index("position")


def place_of(section, values):
    """Return `(section position, item position)` of the item of `section` made of `values`."""
    return section.position, values[_POSITION]


def item_values(sections, column):
    """Return the `column` of every item of `sections`, in order."""
    index = ITEM_COLUMNS.index(column)
    return [values[index] for section in sections for values in section.rows]


def pictured_items(sections):
    """Return the items of `sections` that have a picture's record, in order."""
    index = ITEM_COLUMNS.index("image_renditions")
    return [
        make_item(section, values)
        for section in sections
        for values in section.rows
        if values[index]
    ]
