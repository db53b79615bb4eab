"""Numbers that readers, editors and tools type: ASCII digits only, within what we store.

`str.isdigit()` and `int()` accept far more than a reader means by a number: "²" and "①" are
digits to the one and not to the other (a 500), and `int()` takes "١٢", "1_000" and spaces.
Every number that comes from outside goes through `whole_number`, so it is either a value
every part of the system can store or a clear refusal.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# Issue numbers run from 1 to 10⁹: the search index keys an undated issue by its number, and a
# bigger one would overflow the key (see `search.issue_slot`).
ISSUE_NUMBER_MAX = 10**9
YEAR_MAX = 9999  # what Python's dates (and Django's year lookups) can hold


def whole_number(raw, *, minimum=1, maximum):
    """The int that `raw` spells in ASCII digits, if it lies within minimum..maximum; else None.

    Leading zeros are fine as long as the text is no longer than the maximum written out: a
    10,000-digit "number" is refused before anything converts it.
    """
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit():
        return None
    if len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


class WholeNumberField(forms.IntegerField):
    """An IntegerField that takes ASCII digits only (no "²", "١٢", "1_000", "1.0" or "-1")."""

    default_error_messages = {"invalid": _("Enter a whole number, in the digits 0 to 9.")}

    def __init__(self, *, min_value=1, max_value, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(text) > len(str(self.max_value)):
            # Too many digits to be in range: the range check says so, without a huge int().
            return self.max_value + 1
        return int(text)


def issue_number_validators():
    return [MinValueValidator(1), MaxValueValidator(ISSUE_NUMBER_MAX)]


class IssueNumberConverter:
    """<issue:number> in URLs: an issue number that can exist, else the URL does not match (404).

    Django's <int:…> matches any run of digits, and a lookup with a number past what the
    database column holds fails rather than finding nothing.
    """

    regex = "[0-9]{1,10}"

    def to_python(self, value):
        number = whole_number(value, maximum=ISSUE_NUMBER_MAX)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(value)
