"""Reordering on the compose screen: typed positions, moves across sections, new rows last.

Three or more rows each time: swapping two rows passes even when renumbering sorts on the
parked positions, or when rows are not parked at all (a rotation then trips the database's
unique position constraint).
"""

import pytest
from django.urls import reverse

from bulletins.models import Item, Section

from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db


def change_url(issue):
    return reverse("admin:bulletins_issue_change", args=[issue.pk])


def titles(section):
    return list(section.items.order_by("position").values_list("title", flat=True))


def positions(section):
    return list(section.items.order_by("position").values_list("position", flat=True))


def save(client, issue, data):
    response = client.post(change_url(issue), data)
    assert response.status_code == 302, response.context and response.context["error_summary"]
    return response


@pytest.fixture
def issue():
    return make_issue(number=7, sections=[("安全行业一周要闻", 4), ("半导体行业一周要闻", 3)])


def item_titles(section_title, *numbers):
    return [f"{section_title} 第 {n} 条新闻" for n in numbers]


def test_typed_rotation_of_three_items_is_saved_in_that_order(editor, issue):
    security = issue.sections.get(position=1)
    data = form_data(editor.get(change_url(issue)))
    # Item 3 to the top: 3, 1, 2 (then 4).
    data["sections-0-items-0-position"] = "2"
    data["sections-0-items-1-position"] = "3"
    data["sections-0-items-2-position"] = "1"

    save(editor, issue, data)

    assert titles(security) == item_titles("安全行业一周要闻", 3, 1, 2, 4)
    assert positions(security) == [1, 2, 3, 4]


def test_a_full_reversal_of_four_items_is_saved(editor, issue):
    security = issue.sections.get(position=1)
    data = form_data(editor.get(change_url(issue)))
    for index, position in enumerate([4, 3, 2, 1]):
        data[f"sections-0-items-{index}-position"] = str(position)

    save(editor, issue, data)

    assert titles(security) == item_titles("安全行业一周要闻", 4, 3, 2, 1)
    assert positions(security) == [1, 2, 3, 4]


def test_moving_the_first_item_to_the_end_shifts_the_others_up(editor, issue):
    security = issue.sections.get(position=1)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-0-position"] = "99"

    save(editor, issue, data)

    assert titles(security) == item_titles("安全行业一周要闻", 2, 3, 4, 1)
    assert positions(security) == [1, 2, 3, 4]


def test_a_typed_position_taken_by_another_row_puts_the_moved_row_there(editor, issue):
    # Typing 1 into the third item: it goes first, the others keep their order after it.
    security = issue.sections.get(position=1)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-2-position"] = "1"

    save(editor, issue, data)

    assert titles(security) == item_titles("安全行业一周要闻", 3, 1, 2, 4)
    assert positions(security) == [1, 2, 3, 4]


def test_two_rows_typed_into_one_place_keep_their_screen_order(editor, issue):
    security = issue.sections.get(position=1)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-2-position"] = "1"
    data["sections-0-items-3-position"] = "1"

    save(editor, issue, data)

    assert titles(security) == item_titles("安全行业一周要闻", 3, 4, 1, 2)


def test_an_item_moved_to_another_section_takes_the_place_typed_for_it(editor, issue):
    security, chips = issue.sections.order_by("position")
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-1-move_to"] = str(chips.pk)
    data["sections-0-items-1-position"] = "2"

    save(editor, issue, data)

    assert titles(security) == item_titles("安全行业一周要闻", 1, 3, 4)
    assert titles(chips) == [
        "半导体行业一周要闻 第 1 条新闻",
        "安全行业一周要闻 第 2 条新闻",
        "半导体行业一周要闻 第 2 条新闻",
        "半导体行业一周要闻 第 3 条新闻",
    ]
    assert positions(security) == [1, 2, 3] and positions(chips) == [1, 2, 3, 4]


def test_items_swapped_between_sections_as_the_script_numbers_them(editor, issue):
    # With JavaScript the rows are numbered 1..n in each list as they stand on screen.
    security, chips = issue.sections.order_by("position")
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-0-move_to"] = str(chips.pk)  # security 1 -> last of chips
    data["sections-0-items-0-position"] = "4"
    data["sections-1-items-2-move_to"] = str(security.pk)  # chips 3 -> first of security
    data["sections-1-items-2-position"] = "1"
    for index, position in ((1, 2), (2, 3), (3, 4)):
        data[f"sections-0-items-{index}-position"] = str(position)

    save(editor, issue, data)

    assert titles(security) == [
        "半导体行业一周要闻 第 3 条新闻",
        *item_titles("安全行业一周要闻", 2, 3, 4),
    ]
    assert titles(chips) == [
        *item_titles("半导体行业一周要闻", 1, 2),
        "安全行业一周要闻 第 1 条新闻",
    ]


def test_an_item_moved_out_of_a_deleted_section_survives_it(editor, issue):
    security, chips = issue.sections.order_by("position")
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-DELETE"] = "on"
    data["sections-0-items-3-move_to"] = str(chips.pk)
    data["sections-0-items-3-position"] = "1"

    save(editor, issue, data)

    assert list(issue.sections.values_list("title", flat=True)) == ["半导体行业一周要闻"]
    chips.refresh_from_db()
    assert titles(chips)[0] == "安全行业一周要闻 第 4 条新闻"
    assert chips.position == 1 and positions(chips) == [1, 2, 3, 4]
    assert Item.objects.count() == 4


def test_an_item_cannot_move_into_a_section_being_deleted(editor, issue):
    security, chips = issue.sections.order_by("position")
    data = form_data(editor.get(change_url(issue)))
    data["sections-1-DELETE"] = "on"
    data["sections-0-items-0-move_to"] = str(chips.pk)

    response = editor.post(change_url(issue), data)

    assert response.status_code == 200
    assert "这个栏目将被删除，不能把新闻移过去。" in response.content.decode()
    assert Section.objects.count() == 2 and Item.objects.count() == 7


def test_sections_rotate_and_keep_their_items(editor, issue):
    make_section = Section.objects.create(issue=issue, position=3, title="物联网", slug="iot")
    Item.objects.create(section=make_section, position=1, title="物联网新闻", body="正文。")
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-position"] = "3"
    data["sections-1-position"] = "1"
    data["sections-2-position"] = "2"

    save(editor, issue, data)

    order = issue.sections.order_by("position")
    assert [s.title for s in order] == ["半导体行业一周要闻", "物联网", "安全行业一周要闻"]
    assert [s.position for s in order] == [1, 2, 3]
    assert titles(order[1]) == ["物联网新闻"]


def test_new_items_go_last_and_a_deleted_item_leaves_no_gap(editor, issue):
    security = issue.sections.get(position=1)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-1-DELETE"] = "on"
    data["sections-0-items-4-title"] = "本周新增的一条"  # the blank row at the end
    data["sections-0-items-4-body"] = "正文。"

    save(editor, issue, data)

    assert titles(security) == [
        *item_titles("安全行业一周要闻", 1, 3, 4),
        "本周新增的一条",
    ]
    assert positions(security) == [1, 2, 3, 4]


def test_a_new_item_row_has_no_position_until_the_editor_gives_one(editor, issue):
    data = form_data(editor.get(change_url(issue)))

    assert data["sections-0-items-4-position"] == ""
    assert data["sections-0-items-0-position"] == "1"


def test_a_new_item_typed_into_first_place_goes_first(editor, issue):
    chips = issue.sections.get(position=2)
    data = form_data(editor.get(change_url(issue)))
    data["sections-1-items-3-title"] = "头条"
    data["sections-1-items-3-body"] = "正文。"
    data["sections-1-items-3-position"] = "1"

    save(editor, issue, data)

    assert titles(chips) == ["头条", *item_titles("半导体行业一周要闻", 1, 2, 3)]


def test_an_item_typed_further_down_lands_on_the_position_typed(editor, issue):
    # Typing 3 into the first item: the two after it close up, and it is third.
    security = issue.sections.get(position=1)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-0-position"] = "3"

    save(editor, issue, data)

    assert titles(security) == item_titles("安全行业一周要闻", 2, 3, 1, 4)
    assert positions(security) == [1, 2, 3, 4]


def test_typing_the_last_position_moves_an_item_to_the_end(editor, issue):
    security = issue.sections.get(position=1)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-1-position"] = "4"

    save(editor, issue, data)

    assert titles(security) == item_titles("安全行业一周要闻", 1, 3, 4, 2)


def test_a_section_typed_further_down_lands_on_the_position_typed(editor):
    issue = make_issue(number=8, sections=[("卫星通信", 1), ("物联网", 1), ("量子计算", 1)])
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-position"] = "2"

    save(editor, issue, data)

    assert list(issue.sections.order_by("position").values_list("title", flat=True)) == [
        "物联网",
        "卫星通信",
        "量子计算",
    ]
