"""A legacy file as the importer takes it: its bytes read within the size limit, decoded,
parsed, and keyed by its text, so that the same issue in any encoding is known again."""

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .decoding import LegacyDecodeError, decode_legacy_bytes
from .parser import parse_legacy

# A weekly issue has tens of items; past this many, a file is several issues run together. The
# bound also keeps one file's import (rows, index, revision) to a few seconds of a request.
MAX_ITEMS = 1000


class LegacyImportError(Exception):
    """The file cannot be imported; the message says why, for the editor."""


@dataclass
class LegacySource:
    """A legacy file decoded and parsed, with the keys that tell whether it came in before."""

    text: str
    parsed: object
    key: str  # of the decoded, normalised text: the same in any encoding
    bytes_key: str  # of the bytes, which imports stored before the text was the key

    @property
    def keys(self):
        return [self.key, self.bytes_key]


def source_hash(data):
    return hashlib.sha256(data).hexdigest()


def text_key(text):
    """SHA-256 of a legacy text as normalised for comparison: Unicode NFC, no white space at
    line ends, none around the whole. The same issue saved as UTF-8, GB18030 or UTF-16, with
    any line endings or BOM, or with the trailing spaces an editor or e-mail dropped, has
    one key."""
    text = unicodedata.normalize("NFC", text)
    lines = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def read_source(path):
    """Read a legacy file's bytes, refusing what is too large before reading it all."""
    path = Path(path)
    limit = settings.LEGACY_IMPORT_MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise LegacyImportError(
                _("the file is %(size).1f MB, over the %(limit).1f MB limit")
                % {"size": size / 1_048_576, "limit": limit / 1_048_576}
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise LegacyImportError(_("no such file")) from None
    except IsADirectoryError:
        raise LegacyImportError(_("this is a directory, not a file")) from None
    except PermissionError:
        raise LegacyImportError(_("the file cannot be read (permission denied)")) from None


def read_legacy(data):
    """Decode and parse bytes into a LegacySource; raise LegacyImportError when unusable."""
    if len(data) > settings.LEGACY_IMPORT_MAX_BYTES:
        raise LegacyImportError(
            _("the file is over the %(limit).1f MB limit")
            % {"limit": settings.LEGACY_IMPORT_MAX_BYTES / 1_048_576}
        )
    try:
        text = decode_legacy_bytes(data)
    except LegacyDecodeError as error:
        raise LegacyImportError(str(error)) from None
    parsed = parse_legacy(text)
    if not parsed.ok:
        raise LegacyImportError(parsed.error)
    if parsed.item_count > MAX_ITEMS:
        raise LegacyImportError(
            _(
                "the file holds %(count)s items, more than the %(limit)s an issue may have: "
                "is it several issues in one file?"
            )
            % {"count": f"{parsed.item_count:,}", "limit": f"{MAX_ITEMS:,}"}
        )
    return LegacySource(text, parsed, text_key(text), source_hash(data))


def parse_source(data):
    """Decode and parse bytes; raise LegacyImportError with the reason when unusable."""
    return read_legacy(data).parsed
