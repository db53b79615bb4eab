"""Parse the plain text of a PDF-era issue into sections, headlines and whole items.

The text is what PDF extraction left: lines hard-wrapped at the column width, justified lines
letter-spaced, page footers, dot leaders after each headline list, and a section's second-page
headlines printed wherever that page begins (between two items or inside an item's body).
Parsing is pure: text in, a ParsedIssue out, warnings with line numbers, and never an exception
for bad input (`ParsedIssue.error` says what is wrong).
"""

import re
import statistics
from dataclasses import dataclass
from enum import Enum

from django.utils.translation import gettext as _

from .text import clean_line, collapse_spaces, display_width, joiner, spaceless
from .types import ParsedIssue, ParsedItem, ParsedSection, ParseWarning

ITEM_MARK = "■"
_DOT = "·•‧∙・…⋯"
_DOTS_LINE = re.compile(rf"(?:[{_DOT}]|\.\.)[{_DOT}.\s]*")
_GLUED_DOTS = re.compile(rf"\s*(?:[{_DOT}]{{2,}}|\.{{3,}})\s*$")
_FOOTER = re.compile(
    r"[-—–－]\s*\d{1,4}\s*[-—–－]"
    r"|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?",
    re.IGNORECASE,
)
_HEADER = re.compile(r"(\d{1,2})\s+(\S.{0,60})")
_SENTENCE_MARKS = "，。；！？"  # a section heading is a name, never a sentence
_TERMINAL = tuple("。！？!?”」』…；;")
_INDENT = "\u3000\u3000"


class Kind(Enum):
    BLANK = "blank"
    FOOTER = "footer"
    DOTS = "dots"
    ITEM = "item"
    TEXT = "text"
    HEADER = "header"
    HEADLINE = "headline"


@dataclass
class Line:
    number: int
    raw: str
    kind: Kind
    text: str = ""
    glued_dots: bool = False


def _split_lines(text):
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


def _classify(number, raw):
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
    glued = _GLUED_DOTS.search(stripped)
    if glued:
        stripped = stripped[: glued.start()]
        raw = raw[: raw.rstrip().rfind(stripped[-1:]) + 1] if stripped else ""
    return Line(number, raw, Kind.TEXT, stripped, glued_dots=bool(glued))


def _mark_bare_page_numbers(lines):
    """A line holding only a short number between blank lines is a page number."""
    for index, line in enumerate(lines):
        if line.kind is Kind.TEXT and line.text.isdigit() and len(line.text) <= 3:
            before = lines[index - 1].kind if index else Kind.BLANK
            after = lines[index + 1].kind if index + 1 < len(lines) else Kind.BLANK
            if before is Kind.BLANK and after is Kind.BLANK:
                line.kind = Kind.FOOTER


def _is_isolated(lines, index):
    """True for a one-line paragraph: how headlines stand in their list."""
    before = lines[index - 1].kind if index else Kind.BLANK
    after = lines[index + 1].kind if index + 1 < len(lines) else Kind.BLANK
    separators = (Kind.BLANK, Kind.FOOTER, Kind.DOTS, Kind.HEADER, Kind.HEADLINE)
    return before in separators and (after in separators or lines[index].glued_dots)


def _header_region(lines, index):
    """Return the headline lines under a candidate section header, or None if it is not one.

    A header is followed by its headline list — one-line paragraphs — and dot leaders, all
    before the section's first item. A body line that merely starts with a number is not.
    """
    headlines, dots = [], 0
    previous = Kind.HEADER
    for line in lines[index + 1 :]:
        if line.kind in (Kind.BLANK, Kind.FOOTER):
            previous = line.kind
            continue
        if line.kind is Kind.DOTS:
            dots += 1
        elif line.kind is Kind.TEXT and not dots or line.kind is Kind.TEXT and line.glued_dots:
            if previous is Kind.TEXT:
                return None  # two lines in a row: running text, not a headline list
            headlines.append(line)
            dots += line.glued_dots
        else:
            break
        previous = line.kind
    return headlines if headlines and dots else None


def _find_sections(lines, warnings):
    last_number = None
    for index, line in enumerate(lines):
        if line.kind is not Kind.TEXT or line.glued_dots:
            continue
        match = _HEADER.fullmatch(line.text)
        if not match or any(mark in match.group(2) for mark in _SENTENCE_MARKS):
            continue
        number = int(match.group(1))
        if last_number is not None and number <= last_number:
            continue  # sections are numbered upwards: "2 月 19 日…" inside section 5 is text
        headlines = _header_region(lines, index)
        if headlines is None:
            continue
        if last_number is not None and number != last_number + 1:
            warnings.append(
                ParseWarning(
                    line.number,
                    _(
                        "section numbers jump from %(last)d to %(number)d: "
                        "check that no section is missing"
                    )
                    % {"last": last_number, "number": number},
                )
            )
        last_number = number
        line.kind = Kind.HEADER
        line.text = collapse_spaces(match.group(2))
        line.glued_dots = number  # keep the printed number with the line
        for headline in headlines:
            headline.kind = Kind.HEADLINE


def _find_continued_headlines(lines):
    """Mark headline lists that a page break placed between or inside items.

    Each dot-leader line stands for one headline printed before it; a headline with glued
    dots stands for itself.
    """
    for index, line in enumerate(lines):
        if line.kind is Kind.TEXT and line.glued_dots and _is_isolated(lines, index):
            line.kind = Kind.HEADLINE
    index = 0
    while index < len(lines):
        if lines[index].kind is not Kind.DOTS:
            index += 1
            continue
        start = index
        dots = 0
        while index < len(lines) and lines[index].kind in (Kind.DOTS, Kind.BLANK):
            dots += lines[index].kind is Kind.DOTS
            index += 1
        back = start - 1
        while dots and back >= 0:
            kind = lines[back].kind
            if kind in (Kind.BLANK, Kind.FOOTER):
                back -= 1
            elif kind is Kind.HEADLINE:
                dots -= 1
                back -= 1
            elif kind is Kind.TEXT and _is_isolated(lines, back):
                lines[back].kind = Kind.HEADLINE
                dots -= 1
                back -= 1
            else:
                break


@dataclass
class _Draft:
    line: int
    lines: list


def _assemble(lines, issue):
    preamble = []
    for line in lines:
        if line.kind is Kind.HEADER:
            issue.sections.append(ParsedSection(line.text, line.glued_dots, line.number))
            current = None
        elif line.kind is Kind.HEADLINE:
            headline = collapse_spaces(line.text)
            if issue.sections:
                issue.sections[-1].headlines.append(headline)
            else:
                preamble.append(line)
        elif line.kind is Kind.ITEM:
            if not issue.sections:
                issue.warnings.append(
                    ParseWarning(line.number, _("an item comes before any section: it is left out"))
                )
                current = None
                continue
            current = _Draft(line.number, [line] if line.text else [])
            issue.sections[-1].items.append(current)
        elif line.kind is Kind.TEXT:
            if not issue.sections:
                preamble.append(line)
            elif current is None:
                issue.warnings.append(
                    ParseWarning(
                        line.number,
                        _("text outside any item is left out: “%(text)s”")
                        % {"text": line.text[:40]},
                    )
                )
            else:
                current.lines.append(line)
    if preamble:
        issue.title = clean_line(preamble[0].text)


def _body_width(lines):
    """The column width the text was wrapped at, or None when lines were not wrapped."""
    widths = [display_width(line.raw.strip()) for line in lines if line.kind is Kind.TEXT]
    if len(widths) < 5:
        return None
    widest = sorted(widths)[int(len(widths) * 0.8)]
    near = sum(1 for width in widths if widest - 2 <= width <= widest + 0.5)
    return (
        statistics.median(w for w in widths if w >= widest - 2) if near >= len(widths) / 3 else None
    )


def _ends_paragraph(line, width):
    if width is None:
        return True
    text = line.raw.strip()
    used = display_width(text)
    if used < width * 0.6:
        return True
    return used < width - 1.5 and text.endswith(_TERMINAL)


def _join(lines, width, *, paragraphs):
    """Rejoin wrapped lines into text; with `paragraphs`, one paragraph per output line."""
    out, current, previous = [], "", None
    for line in lines:
        text = clean_line(line.raw)
        if not text:
            continue
        starts_paragraph = line.raw.startswith(_INDENT)
        if (
            previous is not None
            and paragraphs
            and (starts_paragraph or _ends_paragraph(previous, width))
        ):
            out.append(current)
            current = text
        elif previous is not None:
            current += joiner(previous.raw, line.raw, current, text) + text
        else:
            current = text
        previous = line
    if current:
        out.append(current)
    return "\n".join(out)


def _take_title(draft, headlines, width, warnings):
    """Split an item's lines into its title and body, using the headline list when it can."""
    lines = draft.lines
    wanted = {spaceless(h): h for h in headlines}
    so_far = ""
    for count, line in enumerate(lines, start=1):
        so_far += spaceless(line.text)
        if so_far in wanted:
            return wanted[so_far], lines[count:]
        if not any(key.startswith(so_far) for key in wanted):
            break
    # No headline names this item: take the lines up to the first short one (the title's end).
    count = 1
    while (
        count < min(len(lines), 3)
        and width
        and display_width(lines[count - 1].raw.strip()) >= width - 1
    ):
        count += 1
    title = _join(lines[:count], width, paragraphs=False)
    warnings.append(
        ParseWarning(
            draft.line,
            _("no headline matches this item; its title was taken as “%(title)s”")
            % {"title": title},
        )
    )
    return title, lines[count:]


def parse_legacy(text):
    """Parse the text of one legacy issue into a ParsedIssue (never raises for bad input)."""
    issue = ParsedIssue()
    if not isinstance(text, str) or not text.strip():
        issue.error = _("the file holds no text")
        return issue
    lines = [_classify(number, raw) for number, raw in _split_lines(text)]
    _mark_bare_page_numbers(lines)
    _find_sections(lines, issue.warnings)
    if not any(line.kind is Kind.HEADER for line in lines):
        issue.error = _(
            "no sections found: a section starts with a numbered heading such as "
            "“1 安全行业一周要闻”, followed by its headlines and dot leaders"
        )
        return issue
    _find_continued_headlines(lines)
    _assemble(lines, issue)
    if not any(section.items for section in issue.sections):
        issue.error = _("no news items found: each item starts with “■” and its title")
        return issue
    width = _body_width([line for s in issue.sections for d in s.items for line in d.lines])
    _finish_items(issue, width)
    return issue


def _finish_items(issue, width):
    for section in issue.sections:
        drafts, section.items = section.items, []
        used = set()
        for draft in drafts:
            if not draft.lines:
                issue.warnings.append(
                    ParseWarning(draft.line, _("an empty item (■ alone) is left out"))
                )
                continue
            title, body_lines = _take_title(draft, section.headlines, width, issue.warnings)
            if title in used:
                issue.warnings.append(
                    ParseWarning(
                        draft.line, _("two items share the title “%(title)s”") % {"title": title}
                    )
                )
            used.add(title)
            body = _join(body_lines, width, paragraphs=True)
            if not body:
                issue.warnings.append(
                    ParseWarning(
                        draft.line, _("the item “%(title)s” has no body text") % {"title": title}
                    )
                )
            section.items.append(ParsedItem(title=title, body=body, line=draft.line))
        for headline in section.headlines:
            if headline not in used:
                issue.warnings.append(
                    ParseWarning(
                        section.line,
                        _("the headline “%(headline)s” has no item below it")
                        % {"headline": headline},
                    )
                )
        if not section.items:
            issue.warnings.append(
                ParseWarning(
                    section.line,
                    _("the section “%(title)s” has no items") % {"title": section.title},
                )
            )
