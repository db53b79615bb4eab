"""Parse the plain text of a PDF-era issue into sections, headlines and whole items.

The text is what PDF extraction left: lines hard-wrapped at the column width, justified lines
letter-spaced, page footers, dot leaders after each headline list, and a section's second-page
headlines printed wherever that page begins (between two items or inside an item's body).
Parsing is pure: text in, a ParsedIssue out, warnings with line numbers, and never an exception
for bad input (`ParsedIssue.error` says what is wrong).
"""

import os
import re
import statistics
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import Enum
from itertools import takewhile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .text import clean_line, collapse_spaces, display_width, is_latin, joiner, spaceless
from .types import ParsedIssue, ParsedItem, ParsedSection

ITEM_MARK = "■"
# Bounds the work a file can cause (each line costs a few microseconds, whatever is on it).
# The sample has 611 lines for 29 items; 100,000 lines would be an issue of thousands.
MAX_LINES = 200_000
_LONGEST_TITLE = 1000  # characters: more than any title (the database holds 300)
_DOT = "·•‧∙・…⋯"
_DOT_CHARS = set(_DOT + ".")
_DOTS_LINE = re.compile(rf"(?:[{_DOT}]|\.\.)[{_DOT}.\s]*")
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


class _HeadlineLists:
    """Tell, for any candidate section header, the headline list under it, if any.

    A header is followed by its headline list — one-line paragraphs — and dot leaders, all
    before the section's first item; a body line that merely starts with a number is not.
    Read line by line from each candidate, a file of many candidates would take quadratic
    time, so what follows every line is worked out once, from the end of the file back:
    whether the lines after it form a list (`ok`: no two text lines in a row), whether dots
    come in it, and its first headline (the next ones are chained in `following`).
    Phase 1 is before the first dots, when any text line is a headline; phase 2 after them,
    when only headlines with glued dots go on.
    """

    def __init__(self, lines):
        count = len(lines)
        ok1, dots1, first1 = [True] * (count + 1), [False] * (count + 1), [-1] * (count + 1)
        ok2, dots2, first2 = [True] * (count + 1), [False] * (count + 1), [-1] * (count + 1)
        self.following = following = [-1] * count
        for at in range(count - 1, -1, -1):
            line = lines[at]
            kind = line.kind
            if kind in (Kind.BLANK, Kind.FOOTER):
                ok1[at], dots1[at], first1[at] = ok1[at + 1], dots1[at + 1], first1[at + 1]
                ok2[at], dots2[at], first2[at] = ok2[at + 1], dots2[at + 1], first2[at + 1]
                continue
            if kind is Kind.DOTS:
                ok1[at] = ok2[at] = ok2[at + 1]
                dots1[at] = dots2[at] = True
                first1[at] = first2[at] = first2[at + 1]
                continue
            if kind is not Kind.TEXT:
                continue  # the list ends here: defaults (ok, no dots, no headline)
            after = lines[at + 1] if at + 1 < count else None
            text_follows = after is not None and after.kind is Kind.TEXT
            if line.glued_dots:
                # A headline with its dots: the list goes on in phase 2, unless a headline
                # with dots follows at once (running text); plain text after it ends it.
                if text_follows and after.glued_dots:
                    ok = False
                    following[at] = -1
                elif text_follows:
                    ok, following[at] = True, -1
                else:
                    ok, following[at] = ok2[at + 1], first2[at + 1]
                ok1[at] = ok2[at] = ok
                dots1[at] = dots2[at] = True
                first1[at] = first2[at] = at
            else:
                # Plain text ends a list in phase 2; in phase 1 it is a headline, and a text
                # line right after it makes the whole thing running text.
                ok1[at] = not text_follows and ok1[at + 1]
                dots1[at] = dots1[at + 1]
                first1[at] = at
                following[at] = -1 if text_follows else first1[at + 1]
        self._ok, self._dots, self._first = ok1, dots1, first1
        self._lines = lines

    def under(self, index):
        """The headline lines under the candidate header at `index`, or None."""
        start = index + 1
        if not (self._ok[start] and self._dots[start]) or self._first[start] < 0:
            return None
        headlines, at = [], self._first[start]
        while at >= 0:
            headlines.append(self._lines[at])
            at = self.following[at]
        return headlines


def _find_sections(lines, issue):
    lists = _HeadlineLists(lines)
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
        headlines = lists.under(index)
        if headlines is None:
            continue
        if last_number is not None and number != last_number + 1:
            issue.warn(
                line.number,
                gettext_noop(
                    "section numbers jump from %(last)d to %(number)d: "
                    "check that no section is missing"
                ),
                last=last_number,
                number=number,
            )
        last_number = number
        line.kind = Kind.HEADER
        line.text = collapse_spaces(match.group(2))
        line.glued_dots = number  # keep the printed number with the line
        for headline in headlines:
            headline.kind = Kind.HEADLINE


class _ItemStarts:
    """The first lines of the items (after ■), compared without white space."""

    def __init__(self, lines):
        self.keys = sorted(
            {spaceless(line.text) for line in lines if line.kind is Kind.ITEM} - {""}
        )

    def name(self, text):
        """True when an item's title could be `text`: an item's first line starts it (a title
        wraps) or is started by it."""
        key = spaceless(text)[:_LONGEST_TITLE]
        if not key:
            return False
        at = bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at].startswith(key):
            return True
        # An item start that begins `key` sorts at or before it, and at or after any item
        # start between them, which it therefore begins too: look below, ever shorter.
        while key:
            at = bisect_right(self.keys, key) - 1
            if at < 0:
                return False
            below = self.keys[at]
            if key.startswith(below):
                return True
            key = os.path.commonprefix([below, key])
        return False


def _find_continued_headlines(lines):
    """Mark headline lists that a page break placed between or inside items.

    Each dot-leader line stands for one headline printed before it, which names an item of
    the issue; a headline with glued dots stands for itself. A line before a stray dot
    leader that names no item is text, and stays where it is.
    """
    items = _ItemStarts(lines)
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
            elif kind is Kind.TEXT and _is_isolated(lines, back) and items.name(lines[back].text):
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
                issue.warn(
                    line.number, gettext_noop("an item comes before any section: it is left out")
                )
                current = None
                continue
            current = _Draft(line.number, [line] if line.text else [])
            issue.sections[-1].items.append(current)
        elif line.kind is Kind.TEXT:
            if not issue.sections:
                preamble.append(line)
            elif current is None:
                issue.warn(
                    line.number,
                    gettext_noop("text outside any item is left out: “%(text)s”"),
                    text=line.text[:40],
                )
            else:
                current.lines.append(line)
    if preamble:
        issue.title = clean_line(preamble[0].text)


def _body_width(lines):
    """The column width the text was wrapped at, or None when lines were not wrapped."""
    widths = [line.width for line in lines if line.kind is Kind.TEXT]
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
    used = line.width
    if used < width * 0.6:
        return True
    return used < width - 1.5 and line.raw.rstrip().endswith(_TERMINAL)


def _latin_run(text, *, at_end):
    """The Latin word that ends (or starts) a line: its run of Latin characters."""
    chars = reversed(text) if at_end else iter(text)
    return sum(1 for _ in takewhile(is_latin, chars))


def _is_cut_word(before, after, width):
    """True when a wrap cut a word: the Latin words on either side of it, put together, would
    be wider than a line. Typesetters move a word that fits on a line to the next one whole,
    and cut only a word wider than a whole line (a long web address)."""
    if width is None or not (is_latin(before[-1]) and is_latin(after[0])):
        return False
    end, start = _latin_run(before, at_end=True), _latin_run(after, at_end=False)
    return bool(end and start) and display_width(before[-end:] + after[:start]) > width


def _join(lines, width, *, paragraphs):
    """Rejoin wrapped lines into text; with `paragraphs`, one paragraph per output line."""
    out, pieces, previous, previous_text = [], [], None, ""
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
            out.append("".join(pieces))
            pieces = [text]
        elif previous is not None:
            cut = _is_cut_word(previous_text, text, width)
            pieces += [joiner(previous.raw, line.raw, previous_text, text, word_cut=cut), text]
        else:
            pieces = [text]
        previous, previous_text = line, text
    if pieces:
        out.append("".join(pieces))
    return "\n".join(out)


class _Headlines:
    """A section's headlines, compared without white space, built once for all its items."""

    def __init__(self, headlines):
        self.by_key = {}
        for headline in headlines:
            self.by_key[spaceless(headline)] = headline
        self.keys = sorted(self.by_key)
        self.longest = min(max(map(len, self.keys), default=0), _LONGEST_TITLE)

    def starts_one(self, prefix):
        """True when some headline starts with `prefix` (spaceless)."""
        at = bisect_left(self.keys, prefix)
        return at < len(self.keys) and self.keys[at].startswith(prefix)


def _take_title(draft, headlines, width, issue):
    """Split an item's lines into its title and body, using the headline list when it can."""
    lines = draft.lines
    so_far = ""
    for count, line in enumerate(lines, start=1):
        so_far += spaceless(line.text)
        if so_far in headlines.by_key:
            return headlines.by_key[so_far], lines[count:]
        if len(so_far) >= headlines.longest or not headlines.starts_one(so_far):
            break
    # No headline names this item: take the lines up to the first short one (the title's end).
    count = 1
    while count < min(len(lines), 3) and width and lines[count - 1].width >= width - 1:
        count += 1
    title = _join(lines[:count], width, paragraphs=False)
    issue.warn(
        draft.line,
        gettext_noop("no headline matches this item; its title was taken as “%(title)s”"),
        title=title,
    )
    return title, lines[count:]


def parse_legacy(text):
    """Parse the text of one legacy issue into a ParsedIssue (never raises for bad input)."""
    issue = ParsedIssue()
    if not isinstance(text, str) or not text.strip():
        issue.error = _("the file holds no text")
        return issue
    count = text.count("\n") + text.count(ITEM_MARK) + 1
    if count > MAX_LINES:
        issue.error = _(
            "the file has %(count)s lines, more than the %(limit)s an issue may have: "
            "is it several issues in one file?"
        ) % {"count": f"{count:,}", "limit": f"{MAX_LINES:,}"}
        return issue
    lines = [_classify(number, raw) for number, raw in _split_lines(text)]
    _mark_bare_page_numbers(lines)
    _find_sections(lines, issue)
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
        headlines = _Headlines(section.headlines)
        for draft in drafts:
            if not draft.lines:
                issue.warn(draft.line, gettext_noop("an empty item (■ alone) is left out"))
                continue
            title, body_lines = _take_title(draft, headlines, width, issue)
            if title in used:
                issue.warn(
                    draft.line, gettext_noop("two items share the title “%(title)s”"), title=title
                )
            used.add(title)
            body = _join(body_lines, width, paragraphs=True)
            if not body:
                issue.warn(
                    draft.line, gettext_noop("the item “%(title)s” has no body text"), title=title
                )
            section.items.append(ParsedItem(title=title, body=body, line=draft.line))
        for headline in section.headlines:
            if headline not in used:
                issue.warn(
                    section.line,
                    gettext_noop("the headline “%(headline)s” has no item below it"),
                    headline=headline,
                )
        if not section.items:
            issue.warn(
                section.line,
                gettext_noop("the section “%(title)s” has no items"),
                title=section.title,
            )
