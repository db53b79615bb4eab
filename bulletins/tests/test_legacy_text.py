"""Rejoining wrapped lines (legacy/text.py): Latin words at line wraps. No database is used."""

import re

import pytest

from bulletins.legacy import parse_legacy

from .legacy_expected import structure
from .legacy_render import render, wrap


def without_trailing_spaces(text):
    return re.sub(r"[ \t]+$", "", text, flags=re.M)


def items_of(parsed):
    return [item for section in parsed.sections for item in section.items]


@pytest.fixture(scope="module")
def sample(legacy_sample_text):
    parsed = parse_legacy(legacy_sample_text)
    assert parsed.ok, parsed.error
    return parsed


def rendered(parsed):
    return [
        (s.number, s.title, s.headlines, [(i.title, i.body) for i in s.items])
        for s in parsed.sections
    ]


def test_the_sample_without_trailing_spaces_keeps_every_latin_word(sample, legacy_sample_text):
    stripped = without_trailing_spaces(legacy_sample_text)
    assert stripped != legacy_sample_text
    parsed = parse_legacy(stripped)
    assert structure(parsed) == structure(sample)
    bodies = "\n".join(item.body for item in items_of(parsed))
    for phrase in ["Dave Bolan", "Maxar Technologies", "Google DeepMind", "OpenAI CEO", "IDM 2.0"]:
        assert phrase in bodies, phrase
    for glued in ["DaveBolan", "MaxarTechnologies", "GoogleDeepMind", "OpenAICEO", "IDM2.0"]:
        assert glued not in bodies, glued


# Between Chinese punctuation and Latin text the sample has a space or none ("，Gemma" and
# "—— Gemma"): where a wrap swallowed it, nothing tells which.
_PUNCTUATION_SPACE = re.compile(r"(?<=[—“”（），。：、]) (?=[A-Za-z0-9])")


def loose(structure):
    return [
        (n, t, h, [(title, _PUNCTUATION_SPACE.sub("", body)) for title, body in items])
        for n, t, h, items in structure
    ]


@pytest.mark.parametrize("width", [13, 17, 19, 22, 30])
def test_rerenders_that_wrap_latin_text_at_spaces_give_the_same_items(sample, width):
    text = render(rendered(sample), width=width, page_lines=23 + width)
    assert structure(parse_legacy(text)) == structure(sample)


@pytest.mark.parametrize("width", [13, 17, 19, 22, 30])
def test_rerenders_without_trailing_spaces_give_the_same_items(sample, width):
    text = without_trailing_spaces(render(rendered(sample), width=width, page_lines=23 + width))
    assert loose(structure(parse_legacy(text))) == loose(structure(sample))


def test_the_test_renderer_wraps_latin_text_only_at_spaces():
    text = "据外媒 The Register 报道，亚马逊网络服务 (AWS) 与 Dell'Oro Group 合作。"
    for width in range(4, 20):
        for line in wrap(text, width):
            for word in re.findall(r"[A-Za-z'()]+", line):
                assert word in text.split(), (width, line)


def one_item(*lines):
    """A one-item issue whose body is `lines`, wrapped as printed (about 13 ems a line)."""
    text = "1 测试栏目\n\n某公司发布新产品\n\n··\n\n■ 某公司发布新产品\n" + "\n".join(lines) + "\n"
    [item] = items_of(parse_legacy(text))
    return item.body


def test_latin_words_wrapped_without_a_space_are_parted_by_one():
    body = one_item(
        "据外媒报道，研究总监 Dave",
        "Bolan 表示，该卫星由 Maxar",
        "Technologies 打造，采用 IDM",
        "2.0 模式，并已在全球多个市场",
        "推出相关产品和服务，受到用户",
        "广泛欢迎。",
    )
    assert body == (
        "据外媒报道，研究总监 Dave Bolan 表示，该卫星由 Maxar Technologies 打造，采用 IDM 2.0 "
        "模式，并已在全球多个市场推出相关产品和服务，受到用户广泛欢迎。"
    )


def test_a_hyphen_at_the_end_of_a_line_stays_and_joins_the_word():
    body = one_item(
        "全球首条 5G-A 车联网示范路线 5G-",
        "A 落地，车载终端支持 Wi-Fi 7 和",
        "蓝牙连接，可通过 Wi-",
        "Fi 7 接入，已在上海浦东新区运行",
        "多年，可靠运行，获得用户好评。",
    )
    assert "5G-A 落地" in body and "通过 Wi-Fi 7 接入" in body
    assert "- " not in body and " -" not in body


def test_chinese_text_gets_no_space_at_a_wrap_and_digits_keep_theirs():
    body = one_item(
        "工业和信息化部近日发布了",
        "2024 年的试点示范名单，共",
        "计 337 万个基站建成并投入",
        "使用，覆盖全国所有地级市",
        "和县城城区。",
    )
    assert body == (
        "工业和信息化部近日发布了 2024 年的试点示范名单，共计 337 万个基站建成并投入"
        "使用，覆盖全国所有地级市和县城城区。"
    )


LONG_WORD = "https://www.example.com/reports/2024/semiconductor-foundry-capacity-outlook.pdf"


@pytest.mark.parametrize("width", [9, 13, 17])
def test_only_a_word_longer_than_a_line_is_cut_and_it_comes_back_whole(width):
    body = (
        f"报告全文见 {LONG_WORD} 页面，作者 Dave Bolan 与 Can Yoleri 表示欢迎转载，"
        "并希望业界同行提出宝贵意见，共同推动产业发展。"
    )
    sections = [(1, "测试栏目", ["报告发布"], [("报告发布", body)])]
    text = render(sections, width=width, cut_long_words=True)
    assert LONG_WORD not in text  # it was cut over several lines
    for stripped in (False, True):
        source = without_trailing_spaces(text) if stripped else text
        [item] = items_of(parse_legacy(source))
        assert item.body == body, (width, stripped)
