"""bulletins.contents: an issue's sections and items, in one query, as the ORM reads them."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bulletins.contents import (
    ITEM_COLUMNS,
    SECTION_COLUMNS,
    contents_rows,
    issue_contents,
    item_rows,
    item_values,
    item_with_neighbours,
    latest_issue,
    make_item,
    pictured_items,
    place_of,
    published_issue,
)
from bulletins.models import Issue, Item, Section

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
        sections = issue_contents(issue)
    assert len(queries) == 1
    assert [section.title for section in sections] == ["甲", "乙", "丙"]
    assert [place_of(*row) for row in item_rows(sections)] == [(1, 1), (1, 2), (3, 1)]
    assert item_values(sections, "title") == ["甲 第 1 条新闻", "甲 第 2 条新闻", "丙 第 1 条新闻"]


def test_an_item_made_from_its_row_is_the_item_with_its_section_and_issue():
    issue = make_issue(sections=[("甲", 1), ("乙", 2)])
    section, values = item_rows(issue_contents(issue))[2]
    with CaptureQueriesContext(connection) as queries:
        item = make_item(section, values)
        url = item.get_absolute_url()
    assert not queries
    assert item == Item.objects.get(section__issue=issue, section__position=2, position=2)
    assert item.section.issue is issue and url == f"/issues/{issue.number}/2-2/"
    assert values == tuple(getattr(item, name) for name in ITEM_COLUMNS)


def test_only_items_with_a_picture_are_made_for_the_picture_other_sites_show():
    issue = make_issue(sections=[("甲", 3)])
    Item.objects.filter(section__issue=issue, position=2).update(
        image="items/a.jpg", image_renditions={"share": {"name": "items/a.jpg"}}
    )
    pictured = pictured_items(issue_contents(issue))
    assert [item.position for item in pictured] == [2]


def test_the_issue_of_a_reader_page_is_the_published_one_with_its_count_of_changes():
    published = make_issue(number=3)
    make_issue(number=4, status=Issue.Status.DRAFT)
    make_issue(number=5, published_at="future")
    published.sections.update(title="改过")  # counted for published issues

    found = published_issue(3)

    assert found == published and found.title == published.title
    assert found.published_at == Issue.objects.get(pk=published.pk).published_at
    assert found.public_changes >= 1
    assert published_issue(4) is None and published_issue(5) is None
    assert published_issue(6) is None


def test_a_scheduled_issue_is_found_once_its_time_has_come(monkeypatch):
    make_issue(number=1)
    scheduled = make_issue(number=2, published_at="future")
    assert published_issue(2) is None and latest_issue().number == 1  # prepared by now

    later = scheduled.published_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert published_issue(2) == scheduled and latest_issue() == scheduled


def test_the_latest_issue_is_the_one_readers_see_first():
    assert latest_issue() is None
    make_issue(number=10, issue_date=date(2024, 1, 8))
    imported_old = make_issue(number=11, issue_date=date(2023, 5, 1))
    newest = make_issue(number=9, issue_date=date(2024, 1, 15))
    assert latest_issue() == newest
    assert latest_issue() != imported_old


def test_an_items_neighbours_are_the_items_before_and_after_it_across_sections():
    issue = make_issue(sections=[("甲", 2), ("乙", 0), ("丙", 1)])

    def titles(section_position, item_position):
        found = item_with_neighbours(issue, section_position, item_position)
        return found and [each and make_item(*each).title for each in found]

    with CaptureQueriesContext(connection) as queries:
        middle = titles(1, 2)
    assert len(queries) == 1
    assert middle == ["甲 第 1 条新闻", "甲 第 2 条新闻", "丙 第 1 条新闻"]  # over the empty one
    assert titles(1, 1) == [None, "甲 第 1 条新闻", "甲 第 2 条新闻"]
    assert titles(3, 1) == ["甲 第 2 条新闻", "丙 第 1 条新闻", None]
    assert titles(2, 1) is None and titles(3, 2) is None


def test_an_items_section_is_made_once_with_its_columns_and_issue():
    issue = make_issue(sections=[("甲", 3)])
    previous, item, following = item_with_neighbours(issue, 1, 2)
    section = item[0]
    assert previous[0] is section is following[0]
    assert section.issue is issue and section == Section.objects.get(issue=issue)
    assert section.values == tuple(getattr(section, name) for name in SECTION_COLUMNS)


def test_every_items_neighbours_are_those_of_its_issues_reading_order_and_no_other_issues():
    make_issue(sections=[("甲", 2)])
    issue = make_issue(sections=[("甲", 2), ("乙", 0), ("丙", 3), ("丁", 1)])
    make_issue(sections=[("丁", 2)])
    rows = item_rows(issue_contents(issue))

    for index, (section, values) in enumerate(rows):
        found = item_with_neighbours(issue, *place_of(section, values))
        expected = [rows[index - 1] if index else None, rows[index]]
        expected.append(rows[index + 1] if index + 1 < len(rows) else None)
        assert [each and (each[0].values, each[1]) for each in found] == [
            each and (each[0].values, each[1]) for each in expected
        ]
