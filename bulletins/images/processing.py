"""Turn an upload into a clean original and its renditions, all in memory, checked first.

The checks read the file's header only: a picture that declares too many pixels is refused
before a single pixel is decoded, so a small file that unpacks to gigabytes (a decompression
bomb) costs nothing. Only an accepted picture is decoded, once; the original is written again
without its metadata (location, camera, comments; the colour profile stays, or colours shift),
turned upright by its EXIF orientation, and every rendition is made from that decoded copy.
"""

import hashlib
import warnings
from dataclasses import dataclass, field
from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

from . import rules

# Widths of the WebP renditions readers get (srcset), in pixels. The reading column is 646 px
# wide on a desktop (38em of 17 px): 800 fills it, 1440 fills it at twice the density. Phones
# give it 328 to 398 px at densities 1.75 to 3: 800 and 1080 cover them, 480 is the
# section archive's thumbnail and the smallest phones'.
WIDTHS = (480, 800, 1080, 1440)
# The rendition shared with other sites (og:image) and feed readers: a JPEG, which every
# crawler and feed reader shows, 1200 px wide as Facebook and others recommend.
SHARE_WIDTH = 1200
WEBP_QUALITY = 80
# Resizing first halves the picture with a box filter while it stays over twice the target
# (Pillow's reducing_gap=1): on a 4000×3000 photo, 270 -> 92 ms for the 1440 px rendition,
# and the result differs from a full Lanczos resize by less than the eye sees (PSNR 47.7 dB).
REDUCING_GAP = 1.0
JPEG_QUALITY = 82
ORIGINAL_JPEG_QUALITY = 92
# An animated GIF or WebP keeps its frames in the stored original only while all of them
# together are no larger than one accepted still picture; past this, the first frame (which is
# what readers see) is kept, so that a 10 MB file of many large frames costs no more memory.
MAX_ANIMATION_PIXELS = rules.MAX_PIXELS
# Pillow's image info that is about how a picture is shown, not about where or with what it
# was taken: everything else (exif, xmp, comment, dpi, text chunks…) is dropped.
_KEPT_INFO = ("transparency", "duration", "loop", "background")
_SRGB = ImageCms.createProfile("sRGB")
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


@dataclass
class Rendition:
    suffix: str  # what the stored name ends with, e.g. "-480.webp"
    width: int
    height: int
    data: bytes
    content_type: str


@dataclass
class PreparedImage:
    """An accepted picture, ready to be written: nothing has touched storage yet."""

    digest: str  # SHA-256 of the uploaded bytes: the same picture gets the same name
    extension: str
    width: int
    height: int
    original: bytes
    renditions: list[Rendition] = field(default_factory=list)
    upload_name: str = ""

    def as_file(self):
        """A file Django's FileField can hold until the item is saved (see fields.py)."""
        return PreparedFile(self)


class PreparedFile(ContentFile):
    """The clean original as a file, carrying the rest of the PreparedImage along."""

    def __init__(self, prepared):
        super().__init__(prepared.original, name=f"{prepared.digest}.{prepared.extension}")
        self.prepared = prepared


def rendition_widths(width):
    """The srcset widths for a picture this wide: never wider than the picture itself, and
    without a step that would be within 10% of the largest (it would add bytes, not detail)."""
    top = min(width, WIDTHS[-1])
    return [w for w in WIDTHS if w <= top * 0.9] + [top]


def scaled_height(width, height, new_width):
    return max(1, round(height * new_width / width))


def prepare(upload):
    """Check an upload and make its clean original and renditions; raise ImageRefused."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > rules.MAX_BYTES:
        raise rules.refuse_size(size)
    upload.seek(0)
    data = upload.read(rules.MAX_BYTES + 1)
    if len(data) > rules.MAX_BYTES:
        raise rules.refuse_size(max(len(data), size or 0))
    image = _open_checked(data, name)
    try:
        with image:
            return _prepare_opened(image, data, name)
    except rules.ImageRefused:
        raise
    except _DECODE_ERRORS as error:
        raise rules.refuse_damaged(name) from error


def _open_checked(data, name):
    """Open the picture's header and check format and pixels before anything is decoded."""
    try:
        with warnings.catch_warnings():
            # Pillow warns past 89 megapixels and refuses past twice that; ours is lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=rules.DECODERS)
    except Image.DecompressionBombError as error:
        raise rules.refuse_bomb() from error
    except (UnidentifiedImageError, *_DECODE_ERRORS) as error:
        raise rules.refuse_format(name, rules.sniff_format(data[:16])) from error
    width, height = image.size
    if width * height > rules.MAX_PIXELS:
        image.close()
        raise rules.refuse_pixels(width, height)
    if width < 1 or height < 1:
        image.close()
        raise rules.refuse_damaged(name)
    return image


def _prepare_opened(image, data, name):
    source_format = image.format
    icc_profile = image.info.get("icc_profile")
    orientation = image.getexif().get(0x0112, 1)
    frames = getattr(image, "n_frames", 1)
    animated = frames > 1 and frames * image.width * image.height <= MAX_ANIMATION_PIXELS

    image.load()
    upright = ImageOps.exif_transpose(image) if orientation != 1 else image
    original = _encode_original(image, upright, source_format, icc_profile, data, animated)
    prepared = PreparedImage(
        digest=hashlib.sha256(data).hexdigest(),
        extension=rules.EXTENSIONS[source_format],
        width=upright.width,
        height=upright.height,
        original=original,
        upload_name=name,
    )
    prepared.renditions = make_renditions(upright, icc_profile)
    return prepared


def _clean_info(image):
    image.info = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
    return image


def _encode_original(image, upright, source_format, icc_profile, data, animated):
    out = BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if source_format in ("JPEG", "MPO"):
        if upright is image and source_format == "JPEG":
            # The file's own quantisation: re-encoding adds next to no loss.
            options.update(quality="keep", subsampling="keep")
        else:
            options.update(quality=ORIGINAL_JPEG_QUALITY)
        _clean_info(upright).save(out, "JPEG", **options)
    elif source_format == "PNG":
        _clean_info(upright).save(out, "PNG", **options)
    elif animated:
        frames = [_clean_info(frame.copy()) for frame in ImageSequence.Iterator(image)]
        frames[0].save(
            out, source_format, save_all=True, append_images=frames[1:], **options, **_webp(data)
        )
    else:
        _clean_info(upright).save(out, source_format, **options, **_webp(data))
    return out.getvalue()


def _webp(data):
    """Keep a lossless WebP lossless (screenshots, charts); lossy ones at high quality."""
    if data[8:12] != b"WEBP":
        return {}
    if b"VP8L" in data[12:4096]:
        return {"lossless": True}
    return {"quality": 90}


# Modes whose colour profile still describes the picture once it is in RGB or RGBA.
_RGB_MODES = ("RGB", "RGBA", "RGBX", "RGBa", "P", "PA")


def _screen_profile(image, icc_profile):
    """The colour profile renditions may carry: the picture's own if it is an RGB profile
    (kept as it is), none for CMYK or grey pictures, whose profile cannot describe RGB."""
    return icc_profile if icc_profile and image.mode in _RGB_MODES else None


def _to_rgb_through_profile(image, icc_profile):
    """A CMYK picture in RGB, through its own profile when it has one (colours as printed),
    else Pillow's plain conversion."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image.convert("RGB")


def _for_screen(image):
    """The picture's first frame in RGB, or RGBA where it has transparency."""
    has_alpha = image.mode in ("RGBA", "LA", "La", "RGBa", "PA") or ("transparency" in image.info)
    if image.mode in ("La", "RGBa"):
        image = image.convert("RGBA" if image.mode == "RGBa" else "LA")
    mode = "RGBA" if has_alpha else "RGB"
    return image if image.mode == mode else image.convert(mode)


def make_renditions(upright, icc_profile=None):
    """Make the WebP renditions (every srcset width) and the shared JPEG of a decoded picture.

    The largest rendition is resized from the picture; the smaller ones from that rendition,
    which is several times faster and looks the same at their sizes.
    """
    profile = _screen_profile(upright, icc_profile)
    if upright.mode == "CMYK":
        upright = _to_rgb_through_profile(upright, icc_profile)
    base = _for_screen(upright)
    width, height = base.size
    extra = {"icc_profile": profile} if profile else {}
    widths = rendition_widths(width)

    def size(new_width):
        return new_width, scaled_height(width, height, new_width)

    largest = _resized(base, size(widths[-1]), REDUCING_GAP)

    renditions = []
    for new_width in widths:
        resized = _resized(largest, size(new_width))
        out = BytesIO()
        resized.save(out, "WEBP", quality=WEBP_QUALITY, method=4, **extra)
        renditions.append(
            Rendition(f"-{new_width}.webp", *resized.size, out.getvalue(), "image/webp")
        )

    share_size = size(min(width, SHARE_WIDTH))
    if largest.width >= SHARE_WIDTH:
        shared = _resized(largest, share_size)
    else:
        shared = _resized(base, share_size, REDUCING_GAP)
    if shared.mode == "RGBA":
        flat = Image.new("RGB", shared.size, "white")
        flat.paste(shared, mask=shared.getchannel("A"))
        shared = flat
    out = BytesIO()
    shared.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True, **extra)
    suffix = f"-share-{shared.width}.jpg"
    renditions.append(Rendition(suffix, *shared.size, out.getvalue(), "image/jpeg"))
    return renditions


def _resized(image, size, reducing_gap=3.0):
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=reducing_gap)
