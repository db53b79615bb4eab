"""What a legacy file suggests about itself: a number from its name, a date from its items."""

from datetime import date

import pytest
from django.utils import translation

from bulletins.legacy import parse_legacy
from bulletins.legacy.suggest import number_from_name, suggest_issue_date


@pytest.mark.parametrize(
    "name, number",
    [
        ("第123期.txt", 123),
        ("周讯 第 45 期.txt", 45),
        ("No.123.txt", 123),
        ("NO 7.txt", 7),
        ("no12.TXT", 12),
        ("123.txt", 123),
        ("0042.txt", 42),
        ("archive/2019/第9期.txt", 9),
        ("0.txt", None),
        ("99999999999.txt", None),
        ("2019-05-06.txt", None),
        ("Nov.txt", None),
        ("一周要闻.txt", None),
        ("piano 3.txt", None),
    ],
)
def test_a_file_name_proposes_the_number_it_carries(name, number):
    assert number_from_name(name) == number


def one_issue(*bodies):
    items = "".join(f"■ 第{n}条\n{body}\n\n" for n, body in enumerate(bodies, start=1))
    headlines = "".join(f"第{n}条\n\n" for n in range(1, len(bodies) + 1))
    parsed = parse_legacy(f"1 栏目\n\n{headlines}" + "··\n\n" * len(bodies) + items)
    assert parsed.ok, parsed.error
    return parsed


def test_the_sample_suggests_the_latest_date_of_its_week_with_the_evidence(legacy_sample_text):
    suggestion = suggest_issue_date(parse_legacy(legacy_sample_text))
    assert suggestion.when == date(2024, 2, 22)
    quotes = [mention.quote for mention in suggestion.evidence]
    assert quotes[0].startswith("2 月 22 日") and "2 月 22 日消息" in quotes
    assert {m.when for m in suggestion.evidence} == {date(2024, 2, day) for day in (18, 19, 20, 22)}
    with translation.override("en"):
        described = suggestion.describe()
    assert described.startswith("suggested from the dates the items mention: “2 月 22 日")
    assert "谷歌发布全球最强开源大模型" in described


def test_no_date_is_guessed_from_text_without_dates():
    assert suggest_issue_date(one_issue("某公司发布了新产品。", "另一家公司宣布投资。")) is None


def test_no_date_is_guessed_when_the_text_never_gives_a_year():
    parsed = one_issue("2 月 20 日消息，某公司发布了新产品。", "3 月 1 日起施行。")
    assert suggest_issue_date(parsed) is None


def test_a_month_and_day_take_the_year_of_the_date_before_them():
    parsed = one_issue(
        "2023 年 1 月 1 日至 12 月 31 日，全国累计进口集成电路。",
        "2024 年 2 月 1 日起施行新规。",
        "12 月 30 日消息，某公司发布了新产品。",
    )
    suggestion = suggest_issue_date(parsed)
    assert suggestion.when == date(2024, 12, 30)
    assert [m.quote for m in suggestion.evidence] == ["12 月 30 日消息"]


def test_dates_written_with_dashes_count_too():
    parsed = one_issue("2024-03-04 发布。", "据 2024/3/6 的报道。", "2024.3.5 消息。")
    assert suggest_issue_date(parsed).when == date(2024, 3, 6)


def test_an_impossible_date_is_no_evidence():
    assert suggest_issue_date(one_issue("2024 年 2 月 30 日消息。")) is None
