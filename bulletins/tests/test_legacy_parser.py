"""The legacy parser on the real sample and on variants of it. No database is used."""

import re

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletins.legacy import LegacyDecodeError, decode_legacy_bytes, parse_legacy

from .legacy_expected import SAMPLE_SECTIONS, structure
from .legacy_render import render


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the language they are written in."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def sample(legacy_sample_text):
    with translation.override("en"):
        parsed = parse_legacy(legacy_sample_text)
    assert parsed.ok, parsed.error
    return parsed


def all_items(parsed):
    return [item for section in parsed.sections for item in section.items]


def test_sample_has_every_section_with_its_printed_number(sample):
    assert [(s.number, s.title) for s in sample.sections] == [
        (number, title) for number, title, _ in SAMPLE_SECTIONS
    ]


def test_sample_has_every_headline_in_its_section(sample):
    assert [s.headlines for s in sample.sections] == [
        [headline for headline, _, _ in items] for _, _, items in SAMPLE_SECTIONS
    ]


def test_sample_items_have_their_full_titles_in_order(sample):
    assert [[item.title for item in s.items] for s in sample.sections] == [
        [headline for headline, _, _ in items] for _, _, items in SAMPLE_SECTIONS
    ]


def test_sample_item_bodies_are_whole(sample):
    expected = [(first, last) for _, _, items in SAMPLE_SECTIONS for _, first, last in items]
    for item, (first, last) in zip(all_items(sample), expected, strict=True):
        assert item.body.startswith(first), (item.title, item.body[:30])
        assert item.body.endswith(last), (item.title, item.body[-30:])


def test_body_continues_across_a_headline_list_printed_inside_it(sample):
    section = sample.sections[-1]
    item = section.items[2]
    assert "奇安信科技集团股份有限公司" in item.body
    assert "交通信创新政施行" not in item.body and "openKylin" not in item.body


def test_headline_printed_after_an_item_joins_the_section_list_not_the_body(sample):
    section = sample.sections[3]
    assert section.headlines[1] == "高通推出全球首款汽车 Wi-Fi 7 芯片 峰值速率 5.8Gbps"
    assert "峰值速率" not in section.items[1].body


def test_body_continues_across_page_breaks(sample):
    first = sample.sections[0].items[0]
    assert "其他云服务的详细信息" in first.body


def test_no_extraction_marks_survive_in_titles_or_bodies(sample):
    for item in all_items(sample):
        for text in (item.title, item.body):
            assert "■" not in text and "··" not in text
            assert not re.search(r"-\s*\d+\s*-$", text, re.M), text
            assert "  " not in text
            assert text == text.strip()
        assert not re.search(r"[\u4e00-\u9fff，。、：] [\u4e00-\u9fff，。、：]", item.body), (
            item.title
        )


def test_latin_words_are_neither_glued_nor_split(sample):
    text = "\n".join(item.body for item in all_items(sample))
    for phrase in [
        "Intel Foundry",
        "Dell'Oro Group",
        "Can Yoleri",
        "Google DeepMind",
        "Hughes Network Systems",
        "Dave Bolan",
        "Maxar Technologies",
        "The Register",
        "Counterpoint Research",
        "IDM 2.0",
        "5G-A",
        "Wi-Fi 7",
    ]:
        assert phrase in text, phrase
    for glued in ["IntelFoundry", "GoogleDeepMind", "NetworkSystems", "DaveBolan", "CanYoleri"]:
        assert glued not in text


def test_lines_that_start_with_a_number_stay_in_the_body(sample):
    assert len(sample.sections) == 7
    bodies = [item.body for item in all_items(sample)]
    assert any(body.startswith("2 月 22 日工业和信息化部") for body in bodies)


def test_a_gap_in_section_numbers_is_reported_with_its_line(sample):
    assert any(w.line == 502 and "6 to 8" in w.message for w in sample.warnings)
    assert len(sample.warnings) == 1


def test_paragraphs_are_split_where_a_short_line_ends_a_sentence(sample):
    bmw = sample.sections[0].items[0]
    assert len(bmw.paragraphs) == 2
    assert bmw.paragraphs[1].startswith("宝马发言人已证实")


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("gbk"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("utf-16"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.replace("\n", "\r").encode("gb18030"),
    ],
    ids=["gb18030", "gbk", "utf8-bom", "utf16-bom", "crlf", "cr-gb18030"],
)
def test_other_encodings_and_line_endings_give_the_same_structure(
    sample, legacy_sample_text, encode
):
    parsed = parse_legacy(decode_legacy_bytes(encode(legacy_sample_text)))
    assert structure(parsed) == structure(sample)


def rendered_sample(sample):
    return [
        (s.number, s.title, s.headlines, [(i.title, i.body) for i in s.items])
        for s in sample.sections
    ]


@pytest.mark.parametrize("width", [13, 17, 22, 30])
def test_other_line_widths_and_page_breaks_give_the_same_structure(sample, width):
    text = render(rendered_sample(sample), width=width, page_lines=23 + width)
    assert structure(parse_legacy(text)) == structure(sample)


@pytest.mark.parametrize("split", [2, 5, 6])
def test_a_section_split_over_pages_elsewhere_gives_the_same_structure(sample, split):
    text = render(rendered_sample(sample), width=19, split_section=split)
    section = next(s for s in sample.sections if s.number == split)
    header = text.index(f"{split} {section.title}\n")
    late_headline = text.index("\n" + section.headlines[-1] + "\n", header)
    assert text.count("■", header, late_headline) == 2  # printed inside the section's 2nd item
    assert structure(parse_legacy(text)) == structure(sample)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n\n  ", "no text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"\xff\xd8\xff\xe0" + bytes(64), "JPEG image"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"text\x00with\x00nul", "binary"),
        (bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) * 20, "not text in a known encoding"),
    ],
)
def test_files_that_are_not_text_are_refused_with_the_reason(data, reason):
    with pytest.raises(LegacyDecodeError, match=reason):
        decode_legacy_bytes(data)


def test_text_without_sections_is_an_error():
    parsed = parse_legacy("只是一段普通的文字。\n没有栏目。\n")
    assert not parsed.ok and "no sections" in parsed.error


def test_sections_without_items_are_an_error():
    parsed = parse_legacy("1 安全行业一周要闻\n\n某条标题\n\n··\n\n")
    assert not parsed.ok and "no news items" in parsed.error


def test_an_item_without_a_matching_headline_is_kept_with_a_warning():
    text = (
        "1 测试栏目\n\n第一条标题\n\n··\n\n■ 第一条标题\n正文。\n\n■ 没有目录的标题\n另一段正文。\n"
    )
    parsed = parse_legacy(text)
    assert [i.title for i in parsed.sections[0].items] == ["第一条标题", "没有目录的标题"]
    assert parsed.sections[0].items[1].body == "另一段正文。"
    assert any("no headline matches" in w.message for w in parsed.warnings)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_parser_never_raises_on_arbitrary_text(text):
    parsed = parse_legacy(text)
    if parsed.ok:
        assert parsed.item_count > 0
    else:
        assert str(parsed.error).strip(), "a refused text must say why"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_decoding_arbitrary_bytes_gives_text_or_a_clear_refusal(data):
    try:
        text = decode_legacy_bytes(data)
    except LegacyDecodeError as error:
        assert str(error)
    else:
        parse_legacy(text)


def test_a_bulletin_of_twelve_sections_keeps_the_two_digit_numbers():
    sections = [
        (number, f"第{number}类行业一周要闻", [f"第{number}栏的新闻标题"], [])
        for number in range(1, 13)
    ]
    sections = [
        (n, t, h, [(h[0], f"第{n}栏的新闻正文，写得足够长，足够分成好几行来排版。")])
        for n, t, h, _ in sections
    ]
    parsed = parse_legacy(render(sections, width=15))
    assert [(s.number, s.title) for s in parsed.sections] == [(n, t) for n, t, _, _ in sections]
    assert parsed.sections[11].items[0].title == "第12栏的新闻标题"
    assert not parsed.warnings


def test_a_section_number_that_jumps_past_nine_is_still_a_section():
    text = (
        "9 第九栏\n\n九的标题\n\n··\n\n■ 九的标题\n九的正文。\n\n"
        "11 第十一栏\n\n十一的标题\n\n··\n\n■ 十一的标题\n十一的正文。\n"
    )
    parsed = parse_legacy(text)
    assert [(s.number, s.title) for s in parsed.sections] == [(9, "第九栏"), (11, "第十一栏")]
    assert [w.message for w in parsed.warnings] == [
        "section numbers jump from 9 to 11: check that no section is missing"
    ]


STRAY_DOTS = [
    "1 测试栏目",
    "",
    "第一条标题",
    "",
    "第二条标题",
    "",
    "··",
    "",
    "··",
    "",
    "■ 第一条标题",
    "正文的第一行，写得很长很长很长很长很长",
    "正文的第二行，写得也很长很长很长很长",
    "正文的第三行，是一段的末尾。",
    "",
    "单独成段的一行。",
    "",
    "··",
    "",
    "正文的第四行，全文结束。",
    "",
    "■ 第二条标题",
    "另一条的正文。",
]


def test_a_stray_dot_leader_inside_a_body_leaves_the_line_before_it_in_the_body():
    parsed = parse_legacy("\n".join(STRAY_DOTS))
    first, second = parsed.sections[0].items
    assert first.title == "第一条标题" and second.title == "第二条标题"
    assert first.body.replace("\n", "") == (
        "正文的第一行，写得很长很长很长很长很长正文的第二行，写得也很长很长很长很长"
        "正文的第三行，是一段的末尾。单独成段的一行。正文的第四行，全文结束。"
    )
    assert parsed.sections[0].headlines == ["第一条标题", "第二条标题"]
    assert "··" not in first.body
    assert not parsed.warnings


def test_a_stray_dot_leader_right_after_a_body_line_leaves_it_in_the_body():
    lines = STRAY_DOTS[:14] + ["··"] + STRAY_DOTS[19:]
    first = parse_legacy("\n".join(lines)).sections[0].items[0]
    assert first.body.replace("\n", "").endswith("是一段的末尾。正文的第四行，全文结束。")


def test_a_file_of_too_many_lines_is_refused_before_it_is_parsed(monkeypatch):
    from bulletins.legacy import parser

    monkeypatch.setattr(parser, "MAX_LINES", 50)
    parsed = parse_legacy("1 栏目\n\n标题\n\n··\n\n■ 标题\n" + "正文。\n" * 60)
    assert not parsed.ok and "69 lines, more than the 50" in parsed.error


def test_warnings_past_two_hundred_are_counted_not_kept():
    text = "1 栏目\n\n标题\n\n··\n\n■ 标题\n正文。\n" + "".join(
        f"\n■ 没有目录的第{n}条\n" for n in range(250)
    )
    parsed = parse_legacy(text)
    assert parsed.item_count == 251
    # Two warnings each: no headline names it, and it has no body.
    assert len(parsed.warnings) == 200 and parsed.warnings_left_out == 300


def test_text_between_a_section_header_and_its_first_item_is_reported_not_lost_silently():
    text = "1 栏目\n\n标题\n\n··\n\n游离的一段文字。\n\n■ 标题\n正文。\n"
    parsed = parse_legacy(text)
    assert parsed.sections[0].items[0].body == "正文。"
    assert [w.message for w in parsed.warnings] == [
        "text outside any item is left out: “游离的一段文字。”"
    ]
