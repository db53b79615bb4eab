"""Undo what PDF extraction did to lines of Chinese text: letter-spacing, stray spaces, wraps."""

import re

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_LATINISH = re.compile(r"[A-Za-z0-9%]")


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


def is_cjk(char):
    return _CJK.match(char) is not None


def _is_ideograph(char):
    return _IDEOGRAPH.match(char) is not None


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
    spaced = len(_SPACED_PAIR.findall(text))
    solid = len(_SOLID_PAIR.findall(text))
    return (spaced >= 2 and spaced >= solid) or (spaced == 1 and solid == 0)


def clean_line(raw):
    """Return the line's text with stray and letter-spacing spaces removed, real ones kept."""
    text = collapse_spaces(raw)
    if _is_letter_spaced(text):
        text = _SPACED_PAIR.sub("", text)
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
