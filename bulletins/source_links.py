"""An item's source link: a complete web address, stored exactly as the editor typed it.

Django's URLField quietly completes what it is given (`//evil.example/x` becomes
`https://evil.example/x`) and accepts `ftp://`. A source link is something readers click, so
only http and https are taken, and a link that would need guessing is refused with the full
form suggested, for the editor to check and type (or paste) back.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")

# A scheme as RFC 3986 spells it, unless what follows the colon is a port ("example.com:8080").
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?!\d)")


def link_scheme(value):
    """Return the scheme a link names, lowercased, or "" when it names none."""
    match = _SCHEME.match(value)
    return match.group(1).lower() if match else ""


def suggest_full_link(value):
    """Return the https link an editor most likely meant by a link without a scheme."""
    return "https:" + value if value.startswith("//") else "https://" + value


class SourceURLField(forms.CharField):
    """A web link (http or https) taken as typed: never completed or rewritten behind the
    editor's back."""

    widget = forms.URLInput
    default_validators = [
        URLValidator(
            schemes=WEB_SCHEMES,
            message=_("Enter a complete web address, such as https://example.com/news/1."),
        )
    ]

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        scheme = link_scheme(value)
        if not scheme:
            raise ValidationError(
                _(
                    "Write the link in full, starting with https:// or http://. "
                    "Did you mean %(suggestion)s?"
                ),
                code="no_scheme",
                params={"suggestion": suggest_full_link(value)},
            )
        if scheme not in WEB_SCHEMES:
            raise ValidationError(
                _("Only web links (http:// or https://) can be a source; not “%(scheme)s:”."),
                code="scheme",
                params={"scheme": scheme},
            )
        return value
