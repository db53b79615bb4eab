"""What an editor may upload as a picture, and the messages that say why not."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000

# Pillow's name of each accepted format, and the extension its stored original gets.
# MPO is how Pillow names the JPEG files many phones write (a JPEG with a second frame).
EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# The decoders tried on an upload, and no others (Pillow reaches MPO through JPEG's).
DECODERS = ["JPEG", "PNG", "WEBP", "GIF"]
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"

# Formats editors commonly try, told apart by their first bytes without parsing them.
_SIGNATURES = [
    (b"%PDF", "PDF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"<svg", "SVG"),
    (b"<?xml", "SVG"),
]
_FTYP_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"avif": "AVIF"}


class ImageRefused(ValidationError):
    """An upload that is not accepted as a picture, with the message its editor sees."""


def sniff_format(head):
    """Name the file's format from its first bytes, for the message, or None."""
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "HEIF")
    for signature, name in _SIGNATURES:
        if head.lstrip().startswith(signature):
            return name
    return None


def refuse_size(size):
    return ImageRefused(
        _(
            "The picture is %(size).1f MB; pictures up to %(limit)d MB are accepted. "
            "Save it smaller (for example as a JPEG) and upload it again."
        )
        % {"size": size / 1_048_576, "limit": MAX_BYTES // 1_048_576},
        code="image_too_large",
    )


def refuse_pixels(width, height):
    return ImageRefused(
        _(
            "The picture is %(width)d × %(height)d pixels (%(megapixels).1f megapixels); "
            "pictures up to %(limit)d megapixels are accepted. Scale it down and upload it again."
        )
        % {
            "width": width,
            "height": height,
            "megapixels": width * height / 1_000_000,
            "limit": MAX_PIXELS // 1_000_000,
        },
        code="image_too_many_pixels",
    )


def refuse_bomb():
    return ImageRefused(
        _(
            "The picture declares far more pixels than %(limit)d megapixels, which no photo "
            "needs; it was refused without being opened. Export it again at a normal size."
        )
        % {"limit": MAX_PIXELS // 1_000_000},
        code="image_bomb",
    )


def refuse_format(name, format_name):
    if format_name:
        return ImageRefused(
            _("“%(name)s” is a %(format)s file. Upload a JPEG, PNG, WebP or GIF picture instead.")
            % {"name": name, "format": format_name},
            code="image_format",
        )
    return ImageRefused(
        _(
            "“%(name)s” is not a JPEG, PNG, WebP or GIF picture, or it is damaged. "
            "Upload a JPEG, PNG, WebP or GIF picture."
        )
        % {"name": name},
        code="image_format",
    )


def refuse_damaged(name):
    return ImageRefused(
        _(
            "“%(name)s” could not be read to its end: the picture is damaged. "
            "Open it on your computer, save it again and upload that copy."
        )
        % {"name": name},
        code="image_damaged",
    )
