"""Read an issue's contents, its sections and their items in order, in one query.

An issue page that is not kept rendered whole (see caching.fragments) needs every section and
item of its issue, as values: they are what the kept fragments are keyed on. Django takes about
five times longer to build and compile that query than SQLite takes to run it, so its SQL is
built once per database and run with the issue's id; Django's own converters turn the columns
into Python values, as the ORM would.
"""

from django.db import connections

from .models import Item, Section

SECTION_COLUMNS = [field.attname for field in Section._meta.concrete_fields]
ITEM_COLUMNS = [field.attname for field in Item._meta.concrete_fields]

_prepared = {}  # database alias: (SQL, converters by column)


def _query(issue):
    """Return the SQL of the query of an issue's contents (its one parameter: the issue's id),
    the converters of its columns (Django's SQLCompiler's, by column position) and the database."""
    alias = Section.objects.db
    if alias not in _prepared:
        rows = (
            Section.objects.filter(issue_id=issue.pk)
            .order_by("position", "items__position")
            .values_list(*SECTION_COLUMNS, *("items__" + name for name in ITEM_COLUMNS))
        )
        compiler = rows.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if list(params) != [issue.pk]:
            raise RuntimeError(f"the query of an issue's contents has parameters {params}")
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        _prepared[alias] = (sql, converters)
    return *_prepared[alias], alias


def contents_rows(issue):
    """Return the rows of `issue`'s contents: a section's columns, then one of its items' (all
    None for a section without items), sections and items in order."""
    sql, converters, alias = _query(issue)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [issue.pk])
        rows = cursor.fetchall()
    if not converters:
        return [tuple(row) for row in rows]
    converted = []
    for row in rows:
        row = list(row)
        for position, (functions, expression) in converters.items():
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(tuple(row))
    return converted


def issue_contents(issue):
    """Return the sections of `issue` in order (each with `issue`), each with `values`, its
    columns, and `rows`, the columns of its items in order: an item is made only when it is
    needed (`make_item`), since a page kept in parts needs the values of all and few items."""
    width = len(SECTION_COLUMNS)
    set_issue = Section.issue.field.set_cached_value
    sections = []
    for row in contents_rows(issue):
        if not sections or sections[-1].pk != row[0]:
            section = Section.from_db(Section.objects.db, SECTION_COLUMNS, row[:width])
            section.values = row[:width]
            set_issue(section, issue)
            section.rows = []
            sections.append(section)
        item_values = row[width:]
        if item_values[0] is not None:  # None: the LEFT JOIN's row of a section with no items
            section.rows.append(item_values)
    return sections


def make_item(section, values):
    """Return the item of `section` made from `values`, one of `section.rows`."""
    item = Item.from_db(Item.objects.db, ITEM_COLUMNS, values)
    Item.section.field.set_cached_value(item, section)
    return item


def item_rows(sections):
    """Return `(section, values)` of every item of `sections`, in order."""
    return [(section, values) for section in sections for values in section.rows]


_POSITION = ITEM_COLUMNS.index("position")


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
