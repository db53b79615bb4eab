"""bulletins.contents: an issue's sections and items, in one query, as the ORM reads them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulletins.contents import ITEM_COLUMNS, SECTION_COLUMNS, contents_rows, issue_contents
from bulletins.models import Item, Section

from .factories import make_issue

pytestmark = pytest.mark.django_db


def orm_rows(issue):
    return list(
        Section.objects.filter(issue=issue)
        .order_by("position", "items__position")
        .values_list(*SECTION_COLUMNS, *("items__" + name for name in ITEM_COLUMNS))
    )


def test_each_issue_gets_its_own_rows_as_the_orm_reads_them_json_included():
    first = make_issue(sections=[("安全行业一周要闻", 2), ("待补充", 0)])
    second = make_issue(sections=[("半导体行业一周要闻", 3)])
    record = {"share": {"name": "items/a.jpg", "width": 200}, "webp": []}
    Item.objects.filter(section__issue=second, position=2).update(
        image="items/a.jpg", image_renditions=record
    )

    assert contents_rows(first) == orm_rows(first)
    assert contents_rows(second) == orm_rows(second)
    assert [row[-1] for row in contents_rows(second)] == [None, record, None]


def test_an_issue_s_contents_are_one_query_in_reading_order():
    issue = make_issue(sections=[("甲", 2), ("乙", 0), ("丙", 1)])
    with CaptureQueriesContext(connection) as queries:
        sections, values = issue_contents(issue)
    assert len(queries) == 1
    assert [section.title for section in sections] == ["甲", "乙", "丙"]
    assert [[item.position for item in s.item_list] for s in sections] == [[1, 2], [], [1]]
    item = sections[2].item_list[0]
    assert item.section is sections[2] and item.section.issue is issue
    assert item.get_absolute_url() == f"/issues/{issue.number}/3-1/"
    assert values[item.pk] == tuple(getattr(item, name) for name in ITEM_COLUMNS)
