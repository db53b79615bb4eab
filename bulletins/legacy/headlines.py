"""Headline lists and the items they name: where a section's list is (one pass over the
lines, from the end back), whether a line before stray dot leaders names an item, and which
headline an item's first lines spell."""

import os
from bisect import bisect_left, bisect_right

from .lines import Kind
from .text import spaceless

LONGEST_TITLE = 1000  # characters: more than any title (the database holds 300)


class HeadlineLists:
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


class ItemStarts:
    """The first lines of the items (after ■), compared without white space."""

    def __init__(self, lines):
        self.keys = sorted(
            {spaceless(line.text) for line in lines if line.kind is Kind.ITEM} - {""}
        )

    def name(self, text):
        """True when an item's title could be `text`: an item's first line starts it (a title
        wraps) or is started by it."""
        key = spaceless(text)[:LONGEST_TITLE]
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


class Headlines:
    """A section's headlines, compared without white space, built once for all its items."""

    def __init__(self, headlines):
        self.by_key = {}
        for headline in headlines:
            self.by_key[spaceless(headline)] = headline
        self.keys = sorted(self.by_key)
        self.longest = min(max(map(len, self.keys), default=0), LONGEST_TITLE)

    def starts_one(self, prefix):
        """True when some headline starts with `prefix` (spaceless)."""
        at = bisect_left(self.keys, prefix)
        return at < len(self.keys) and self.keys[at].startswith(prefix)
