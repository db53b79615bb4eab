"""Pictures made for the tests: photos with metadata, odd formats, and hostile files."""

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE, MODEL = 0x010F, 0x0110
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description exif:GPSLatitude="31,14.2N" tiff:Model="SecretCam"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def camera_exif(orientation=1):
    """EXIF as a phone writes it: camera, orientation and where the photo was taken."""
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[MODEL] = "SecretCam 12"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (31.0, 14.0, 12.0)
    gps[3] = "E"
    gps[4] = (121.0, 28.0, 6.0)
    return exif


def halves(size=(60, 40), top="red", bottom="blue", mode="RGB"):
    """A picture whose top half and bottom half differ, to see which way up it ends."""
    width, height = size
    image = Image.new(mode, size, bottom)
    image.paste(Image.new(mode, (width, height // 2), top), (0, 0))
    return image


def encode(image, format, **options):
    out = BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def photo_jpeg(size=(60, 40), orientation=1, **options):
    """A JPEG with a phone's metadata: camera, GPS position, XMP, a comment, a colour profile."""
    return encode(
        halves(size),
        "JPEG",
        exif=camera_exif(orientation),
        xmp=XMP,
        comment=b"taken at the secret factory",
        icc_profile=SRGB,
        quality=90,
        **options,
    )


def png(size=(60, 40), mode="RGB", **options):
    return encode(halves(size, mode=mode), "PNG", **options)


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width=12_000, height=12_000):
    """A real, valid black PNG of width × height pixels in a few kilobytes: one bit a pixel,
    deflated. Decoded in full it takes width × height bytes of memory."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def png_header_only(width, height):
    """A PNG that declares width × height pixels and holds none (a bomb's header)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IEND", b"")


def photo(size=(200, 150), seed=0):
    """A small JPEG photo; a different seed makes a different picture."""
    colours = ["red", "navy", "olive", "teal", "purple", "orange", "maroon", "green"]
    image = halves(size, top=colours[seed % 8], bottom=colours[(seed // 8 + 3) % 8])
    image.putpixel((seed % size[0], 0), (seed % 256, 7, 7))
    return encode(image, "JPEG", quality=90)


def give_pictures(items, size=(200, 150), first_seed=0, **fields):
    """Put a different picture on each item, as code outside the compose screen would."""
    from django.core.files.base import ContentFile

    for n, item in enumerate(items):
        item.image = ContentFile(photo(size, seed=first_seed + n), name=f"photo-{n}.jpg")
        item.image_alt = f"第 {n + 1} 张图片"
        for key, value in fields.items():
            setattr(item, key, value)
        item.save()
    return items


def stored_files():
    """Every file in the default storage, through the storage API."""
    from bulletins.images.cleanup import walk

    return sorted(walk())
