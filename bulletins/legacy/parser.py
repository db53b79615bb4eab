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
from itertools import takewhile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .headlines import HeadlineLists, Headlines, ItemStarts
from .lines import ITEM_MARK, Kind, classify, is_isolated, mark_bare_page_numbers, split_lines
from .text import clean_line, collapse_spaces, display_width, is_latin, joiner, spaceless
from .types import ParsedIssue, ParsedItem, ParsedSection

# Bounds the work a file can cause (each line costs a few microseconds, whatever is on it).
# The sample has 611 lines for 29 items; 100,000 lines would be an issue of thousands.
MAX_LINES = 200_000
_HEADER = re.compile(r"(\d{1,2})\s+(\S.{0,60})")
_SENTENCE_MARKS = "，。；！？"  # a section heading is a name, never a sentence
_TERMINAL = tuple("。！？!?”」』…；;")
_INDENT = "\u3000\u3000"


def _find_sections(lines, issue):
    lists = HeadlineLists(lines)
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


def _find_continued_headlines(lines):
    """Mark headline lists that a page break placed between or inside items.

    Each dot-leader line stands for one headline printed before it, which names an item of
    the issue; a headline with glued dots stands for itself. A line before a stray dot
    leader that names no item is text, and stays where it is.
    """
    items = ItemStarts(lines)
    for index, line in enumerate(lines):
        if line.kind is Kind.TEXT and line.glued_dots and is_isolated(lines, index):
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
            elif kind is Kind.TEXT and is_isolated(lines, back) and items.name(lines[back].text):
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
    lines = [classify(number, raw) for number, raw in split_lines(text)]
    mark_bare_page_numbers(lines)
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
        headlines = Headlines(section.headlines)
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
