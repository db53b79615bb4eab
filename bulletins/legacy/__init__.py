"""Import of the PDF-era plain-text archive: decode, parse (pure), save (one transaction)."""

from .decoding import LegacyDecodeError, decode_legacy_bytes
from .parser import parse_legacy
from .types import ParsedIssue, ParsedItem, ParsedSection, ParseWarning

__all__ = [
    "LegacyDecodeError",
    "ParseWarning",
    "ParsedIssue",
    "ParsedItem",
    "ParsedSection",
    "decode_legacy_bytes",
    "parse_legacy",
]
