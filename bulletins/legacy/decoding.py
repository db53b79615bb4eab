"""Turn the bytes of a legacy file into text, or say clearly why they are not text."""

import codecs
import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Signatures of files that are sometimes renamed to .txt by mistake.
_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", gettext_noop("a PNG image")),
    (b"\xff\xd8\xff", gettext_noop("a JPEG image")),
    (b"GIF87a", gettext_noop("a GIF image")),
    (b"GIF89a", gettext_noop("a GIF image")),
    (b"%PDF-", gettext_noop("a PDF document (extract its text first)")),
    (b"PK\x03\x04", gettext_noop("a ZIP archive or Office document")),
    (b"\xd0\xcf\x11\xe0", gettext_noop("an old Office document")),
    (b"RIFF", gettext_noop("a RIFF media file")),
    (b"\x1f\x8b", gettext_noop("a gzip archive")),
]


class LegacyDecodeError(ValueError):
    """The file is not a text file we can read; the message says why, for the editor."""


def _sniff(data):
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return gettext_noop("a WebP image")
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


# Characters that plain text is made of; anything else is looked at one by one.
_COMMON = re.compile(r"[\t\n\r\f\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def _looks_like_text(text):
    """Tell real text from bytes that merely decoded: few controls, no unassigned characters."""
    if not text:
        return True
    rest = _COMMON.sub("", text)
    odd = sum(1 for char in rest if unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs"))
    return odd / len(text) < 0.01


def decode_legacy_bytes(data):
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM or GB18030; normalise line ends."""
    if not data:
        raise LegacyDecodeError(_("the file is empty"))
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data)]
    else:
        kind = _sniff(data)
        if kind:
            raise LegacyDecodeError(_("this is %(kind)s, not a text file") % {"kind": _(kind)})
        if b"\x00" in data:
            raise LegacyDecodeError(_("this is a binary file, not text (it contains NUL bytes)"))
        candidates = [("utf-8", data), ("gb18030", data)]
    for encoding, payload in candidates:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
            if not text.strip():
                raise LegacyDecodeError(_("the file holds no text"))
            return text
    raise LegacyDecodeError(
        _("the file is not text in a known encoding (UTF-8, UTF-16 with BOM, GB18030/GBK)")
    )
