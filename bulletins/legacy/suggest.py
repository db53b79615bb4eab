"""What a legacy file suggests about itself: its issue number (from the file name) and its
issue date (from the dates its items mention). Pure functions; the editor decides.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from ..params import ISSUE_NUMBER_MAX

# "第123期", "第 123 期"; "No.123", "NO 123", "no123"; or a name that is only a number.
_NUMBER_IN_NAME = [
    re.compile(r"第\s*0*(\d{1,10})\s*期"),
    re.compile(r"(?<![A-Za-z])no\.?\s*0*(\d{1,10})(?!\d)", re.IGNORECASE),
    re.compile(r"0*(\d{1,10})"),
]


def number_from_name(name):
    """The issue number a file name carries (`第123期.txt`, `No.123.txt`, `123.txt`), or None."""
    stem = PurePosixPath(str(name).replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    for index, pattern in enumerate(_NUMBER_IN_NAME):
        match = pattern.fullmatch(stem) if index == 2 else pattern.search(stem)
        if match:
            number = int(match.group(1))
            return number if 1 <= number <= ISSUE_NUMBER_MAX else None
    return None


_FULL_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日"
    r"|[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})(?!\d))"
)
_MONTH_DAY = re.compile(r"(?<![\d年])(?<!年\s)(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
WINDOW = timedelta(days=14)  # a weekly issue's news: the days before it, mostly


@dataclass(frozen=True)
class Mention:
    """A date an item mentions: the date as read, the words quoted, and the item's title."""

    when: date
    quote: str
    item: str
    line: int


@dataclass
class DateSuggestion:
    """The latest date in the busiest fortnight of dates the items mention, with the mentions
    it rests on (the evidence shown to the editor)."""

    when: date
    evidence: list[Mention] = field(default_factory=list)

    def describe(self):
        quotes = "; ".join(f"“{m.quote}” ({m.item[:20]})" for m in self.evidence[:3])
        more = len(self.evidence) - 3
        if more > 0:
            quotes += " " + _("and %(count)d more") % {"count": more}
        return _("suggested from the dates the items mention: %(quotes)s") % {"quotes": quotes}


def _make(year, month, day):
    try:
        return date(year, month, day)
    except ValueError:
        return None


_QUOTE_ENDS = re.compile(r"[，。；：、,;:\n]")


def _quote(text, start, end):
    """The date as written, with the few words after it that say what it is ("消息", "起施行")."""
    after = _QUOTE_ENDS.split(text[end : end + 2], maxsplit=1)[0]
    return text[start:end] + after


def _mentions(text, item, line):
    """(year or None, month, day, quote) of each date in one item's text, in reading order.

    A month and day without a year take the year of the full date just before them in the
    item ("2023 年 1 月 1 日至 12 月 31 日").
    """
    full = []
    for match in _FULL_DATE.finditer(text):
        month, day = match["m1"] or match["m2"], match["d1"] or match["d2"]
        full.append((match.start(), match.end(), int(match["year"]), int(month), int(day)))
    found = [
        (start, year, month, day, _quote(text, start, end)) for start, end, year, month, day in full
    ]
    for match in _MONTH_DAY.finditer(text):
        if any(start <= match.start() < end for start, end, *_rest in full):
            continue
        before = [year for start, _end, year, *_rest in full if start < match.start()]
        year = before[-1] if before else None
        quote = _quote(text, match.start(), match.end())
        found.append((match.start(), year, int(match["month"]), int(match["day"]), quote))
    found.sort()
    return [(year, month, day, quote, item, line) for _at, year, month, day, quote in found]


def suggest_issue_date(parsed):
    """Suggest the date of a parsed issue from the dates its items mention, or None when the
    text gives none (or gives months and days but never a year)."""
    found = []
    for section in parsed.sections:
        for item in section.items:
            found += _mentions(f"{item.title}\n{item.body}", item.title, item.line)
    years = [year for year, *_rest in found if year is not None]
    if not years:
        return None
    latest_year = max(years)  # for a month and day alone: the news are of the latest year
    mentions = []
    for year, month, day, quote, item, line in found:
        when = _make(year or latest_year, month, day)
        if when:
            mentions.append(Mention(when, quote, item, line))
    if not mentions:
        return None
    ordered = sorted(mentions, key=lambda mention: mention.when)
    best, start = None, 0
    for end, mention in enumerate(ordered):
        while ordered[start].when <= mention.when - WINDOW:
            start += 1
        if best is None or end - start >= best[1] - best[0]:
            best = (start, end)
    window = ordered[best[0] : best[1] + 1]
    evidence = sorted(window, key=lambda mention: (-mention.when.toordinal(), mention.line))
    return DateSuggestion(window[-1].when, evidence)
