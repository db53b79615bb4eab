"""Undo what PDF extraction did to lines of Chinese text: letter-spacing, stray spaces, wraps."""

import re

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")


# Ideographs and the punctuation set solid with them (no space between in print).
_CJK_CLASS = (
    "\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0002ffff"
    "\u3000-\u303f"  # CJK punctuation: 、。〈〉《》「」『』【】
    "\uff00-\uffef"  # full-width forms: ，：；！？（）
    "\u2018-\u201f"  # curly quotes
    "\u2014\u2026\u00b7"  # — … ·
)
_CJK = re.compile(f"[{_CJK_CLASS}]")
_SPACED_PAIR = re.compile(f"(?<=[{_CJK_CLASS}]) (?=[{_CJK_CLASS}])")
_SOLID_PAIR = re.compile(f"(?=[{_CJK_CLASS}][{_CJK_CLASS}])")
_WIDE = re.compile(
    "[\u1100-\u115f\u00a7\u00b0\u00b1\u00b7\u00d7\u00f7\u2010-\u203b\u2190-\u21ff"
    "\u2460-\u24ff\u2500-\u26ff\u2e80-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_IDEOGRAPH = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0002ffff]")


class _CharClass(dict):
    """Whether a character is of a class, worked out once per character (the parser asks for
    every character at every line end)."""

    def __init__(self, test):
        super().__init__()
        self.test = test

    def __missing__(self, char):
        value = self[char] = self.test(char)
        return value


_CJK_CHARS = _CharClass(lambda char: _CJK.match(char) is not None)
_IDEOGRAPHS = _CharClass(lambda char: _IDEOGRAPH.match(char) is not None)
_LATIN_CHARS = _CharClass(
    lambda char: not char.isspace() and _CJK.match(char) is None and _WIDE.match(char) is None
)


def is_cjk(char):
    return _CJK_CHARS[char]


def _is_ideograph(char):
    return _IDEOGRAPHS[char]


def display_width(text):
    """Width in ems: CJK and other wide characters 1, the rest (Latin, digits, spaces) 1/2."""
    return (len(text) + len(_WIDE.findall(text))) / 2


def spaceless(text):
    """The text without any white space: how titles and headlines are compared."""
    return _SPACES.sub("", text).replace(" ", "")


def collapse_spaces(text):
    return _SPACES.sub(" ", text).strip()


def _is_letter_spaced(text):
    """Tell a justified, letter-spaced line ("半 导 体 制 造") from normal spacing."""
    spaced = len(_SPACED_PAIR.findall(text)) if " " in text else 0
    if not spaced:
        return False
    solid = len(_SOLID_PAIR.findall(text))
    return (spaced >= 2 and spaced >= solid) or (spaced == 1 and solid == 0)


def clean_line(raw):
    """Return the line's text with stray and letter-spacing spaces removed, real ones kept."""
    text = collapse_spaces(raw)
    if _is_letter_spaced(text):
        text = _SPACED_PAIR.sub("", text)
    return text


def is_latin(char):
    """Letters, digits and the narrow punctuation of Latin text: neither CJK nor white space."""
    return _LATIN_CHARS[char]


# A line does not start with closing punctuation, so a wrap before one does not part two words.
_CLOSING = set(")]},.;:!?%")


def joiner(raw_before, raw_after, before, after, *, word_cut=False):
    """Return what goes between two wrapped lines: a space where the printed text had one.

    The bulletins were typeset breaking Latin text at spaces, so a wrap between two Latin
    words stands for a space, whether or not the extraction kept it at the line's end. Only
    a word wider than a whole line is cut (`word_cut`: the line before is that word alone),
    and a hyphen at the end of a line stays, without a space ("5G-" and "A" give "5G-A").
    """
    if not before or not after:
        return ""
    left, right = before[-1], after[0]
    if is_cjk(left) and is_cjk(right):
        return ""  # a stray space between two Chinese characters, if any
    if raw_before[-1:].isspace() or raw_after[:1].isspace():
        return " "
    # The bulletin sets a space between Chinese and Latin text ("发布了 2023 年", "服务 (AWS)");
    # a wrap there swallows it. (Latin set solid with Chinese, as in "22亿", is never parted
    # by a wrap.)
    if (_is_ideograph(left) and is_latin(right)) or (is_latin(left) and _is_ideograph(right)):
        return " "
    if is_latin(left) and is_latin(right):
        if left == "-" or word_cut or right in _CLOSING:
            return ""
        return " "
    return ""
