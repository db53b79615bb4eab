"""The lines of a legacy text, each classified: blank, page footer, dot leaders, an item's
first line (■), or text (with any dot leaders glued to its end taken off)."""

import re
from dataclasses import dataclass
from enum import Enum

from .text import display_width

ITEM_MARK = "■"
_DOT = "·•‧∙・…⋯"
_DOT_CHARS = set(_DOT + ".")
_DOTS_LINE = re.compile(rf"(?:[{_DOT}]|\.\.)[{_DOT}.\s]*")
_FOOTER = re.compile(
    r"[-—–－]\s*\d{1,4}\s*[-—–－]"
    r"|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?",
    re.IGNORECASE,
)


class Kind(Enum):
    BLANK = "blank"
    FOOTER = "footer"
    DOTS = "dots"
    ITEM = "item"
    TEXT = "text"
    HEADER = "header"
    HEADLINE = "headline"


@dataclass(slots=True)
class Line:
    number: int
    raw: str
    kind: Kind
    text: str = ""
    glued_dots: bool = False
    _width: float | None = None

    @property
    def width(self):
        """The display width of the line as printed (see `display_width`), computed once."""
        if self._width is None:
            self._width = display_width(self.raw.strip())
        return self._width


def split_lines(text):
    """Number the lines; a ■ inside a line starts a new one (same line number)."""
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        parts = raw.split(ITEM_MARK)
        if len(parts) > 1 and parts[0].strip():
            lines.append((number, parts[0]))
            parts = parts[1:]
        elif len(parts) > 1:
            parts = parts[1:]
        else:
            lines.append((number, raw))
            continue
        lines.extend((number, ITEM_MARK + part) for part in parts)
    return lines


def classify(number, raw):
    stripped = raw.strip()
    if not stripped:
        return Line(number, raw, Kind.BLANK)
    if _FOOTER.fullmatch(stripped):
        return Line(number, raw, Kind.FOOTER)
    if _DOTS_LINE.fullmatch(stripped):
        return Line(number, raw, Kind.DOTS)
    if stripped.startswith(ITEM_MARK):
        rest = stripped[len(ITEM_MARK) :]
        return Line(number, " " + rest if rest[:1].isspace() else rest, Kind.ITEM, rest.strip())
    glued = _glued_dots_start(stripped)
    if glued is not None:
        stripped = stripped[:glued]
        raw = raw[: raw.rstrip().rfind(stripped[-1:]) + 1] if stripped else ""
    return Line(number, raw, Kind.TEXT, stripped, glued_dots=glued is not None)


def _glued_dots_start(text):
    """Where dot leaders glued to the end of a line begin (two dots, or three full stops), with
    the white space before them; None without. (A regular expression searching for them took
    quadratic time on a long line of spaces.)"""
    if text[-1:] not in _DOT_CHARS:
        return None
    run = len(text) - len(text.rstrip(_DOT))
    if run < 2:
        run = len(text) - len(text.rstrip("."))
        if run < 3:
            return None
    return len(text[: len(text) - run].rstrip())


def mark_bare_page_numbers(lines):
    """A line holding only a short number between blank lines is a page number."""
    for index, line in enumerate(lines):
        if line.kind is Kind.TEXT and line.text.isdigit() and len(line.text) <= 3:
            before = lines[index - 1].kind if index else Kind.BLANK
            after = lines[index + 1].kind if index + 1 < len(lines) else Kind.BLANK
            if before is Kind.BLANK and after is Kind.BLANK:
                line.kind = Kind.FOOTER


def is_isolated(lines, index):
    """True for a one-line paragraph: how headlines stand in their list."""
    before = lines[index - 1].kind if index else Kind.BLANK
    after = lines[index + 1].kind if index + 1 < len(lines) else Kind.BLANK
    separators = (Kind.BLANK, Kind.FOOTER, Kind.DOTS, Kind.HEADER, Kind.HEADLINE)
    return before in separators and (after in separators or lines[index].glued_dots)
