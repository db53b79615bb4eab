"""Undo what PDF extraction did to lines of Chinese text: letter-spacing, stray spaces, wraps."""

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_LATINISH = re.compile(r"[A-Za-z0-9%]")


def is_cjk(char):
    """Ideographs and the punctuation set solid with them (no space between in print)."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2FFFF
        or 0x3000 <= code <= 0x303F  # CJK punctuation: 、。〈〉《》「」『』【】
        or 0xFF00 <= code <= 0xFFEF  # full-width forms: ，：；！？（）
        or 0x2018 <= code <= 0x201F  # curly quotes
        or char in "—…·"
    )


def _is_ideograph(char):
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FFFF


def display_width(text):
    """Width in ems: CJK and other wide characters 1, the rest (Latin, digits, spaces) 1/2."""
    return sum(1 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def spaceless(text):
    """The text without any white space: how titles and headlines are compared."""
    return _SPACES.sub("", text).replace(" ", "")


def collapse_spaces(text):
    return _SPACES.sub(" ", text).strip()


def _is_letter_spaced(text):
    """Tell a justified, letter-spaced line ("半 导 体 制 造") from normal spacing."""
    spaced = solid = 0
    for index in range(len(text) - 1):
        left, right = text[index], text[index + 1]
        if is_cjk(left) and is_cjk(right):
            solid += 1
        elif (
            left == " "
            and index > 0
            and index + 1 < len(text)
            and is_cjk(text[index - 1])
            and is_cjk(right)
        ):
            spaced += 1
    return spaced >= 2 and spaced >= solid


def clean_line(raw):
    """Return the line's text with stray and letter-spacing spaces removed, real ones kept."""
    text = collapse_spaces(raw)
    if _is_letter_spaced(text):
        chars = list(text)
        text = "".join(
            char
            for index, char in enumerate(chars)
            if not (
                char == " "
                and 0 < index < len(chars) - 1
                and is_cjk(chars[index - 1])
                and is_cjk(chars[index + 1])
            )
        )
    return text


def joiner(raw_before, raw_after, before, after):
    """Return what goes between two wrapped lines: a space only where the PDF printed one."""
    if not before or not after:
        return ""
    left, right = before[-1], after[0]
    if is_cjk(left) and is_cjk(right):
        return ""  # a stray space between two Chinese characters, if any
    if raw_before[-1:].isspace() or raw_after[:1].isspace():
        return " "
    # The bulletin sets a space between Chinese and Latin or digits ("发布了 2023 年"); a wrap
    # there swallows it. A Latin word cut by a wrap is rejoined without one.
    if (_is_ideograph(left) and _LATINISH.match(right)) or (
        _LATINISH.match(left) and _is_ideograph(right)
    ):
        return " "
    return ""
