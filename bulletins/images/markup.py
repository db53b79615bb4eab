"""HTML of pictures for readers, crawlers and feed readers, from an item's rendition record.

Nothing here reads the storage or the database: the record saved with the item says which
renditions exist and how large they are, so a page with a picture on every item costs the
same queries as one without pictures.
"""

from django.utils.html import format_html, format_html_join

from . import files

# The reading column: 38em of 17 px (646 px) from a 678 px wide window up, the window less
# its 1rem margins below that (see .page in static/css/site.css).
COLUMN_SIZES = "(min-width: 678px) 646px, calc(100vw - 2rem)"
THUMBNAIL_SIZES = "6rem"


def _url(name):
    return files.storage().url(name)


def picture(item, *, lazy=True, sizes=COLUMN_SIZES, css_class=""):
    """A <picture>: WebP renditions by width for the browser to choose from, and the shared
    JPEG for browsers without WebP (WeChat's browser on iOS before 14, for one).

    `width`/`height` give the picture's proportions before it loads, so nothing below it
    jumps; `lazy` defers pictures below the first screen.
    """
    if not item.image:
        return ""
    record = item.image_renditions
    loading = {"loading": "lazy"} if lazy else {}
    if not record:
        # A picture stored before renditions existed: the original as it was.
        return _img(item.image.url, item.image_alt, css_class=css_class, **loading)
    webp = record["webp"]
    largest, share = webp[-1], record["share"]
    srcset = format_html_join(
        ", ", "{} {}w", ((_url(entry["name"]), entry["width"]) for entry in webp)
    )
    img = _img(
        _url(share["name"]),
        item.image_alt,
        width=largest["width"],
        height=largest["height"],
        css_class=css_class,
        **loading,
    )
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
        srcset,
        sizes,
        img,
    )


def thumbnail(item, *, lazy=True):
    return picture(item, lazy=lazy, sizes=THUMBNAIL_SIZES, css_class="entry-thumb")


def _img(src, alt, *, width=None, height=None, css_class="", **extra):
    attributes = {
        "class": css_class or None,
        "src": src,
        "alt": alt,
        "width": width,
        "height": height,
        **extra,
        "decoding": "async",
    }
    return format_html(
        "<img {}>",
        format_html_join(" ", '{}="{}"', ((k, v) for k, v in attributes.items() if v is not None)),
    )


def share_image(item, request):
    """The picture other sites show for a link (og:image) and feeds carry: the shared JPEG
    with its absolute URL, size and description; None for an item without one."""
    record = item.image_renditions if item.image else None
    if not record or not record.get("share"):
        return None
    share = record["share"]
    return {
        "url": request.build_absolute_uri(_url(share["name"])),
        "width": share["width"],
        "height": share["height"],
        "bytes": share["bytes"],
        "type": "image/jpeg",
        "alt": item.image_alt,
    }


def first_share_image(items, request):
    """The first picture of `items` (an issue's, in reading order)."""
    for item in items:
        # An item without a record has no shared copy; the record is cheaper to look at.
        image = item.image_renditions and share_image(item, request)
        if image:
            return image
    return None


def preview(item):
    """A small copy of the item's picture for the compose screen (its smallest rendition)."""
    record = item.image_renditions
    if not record:
        return _img(item.image.url, item.image_alt, width=160)
    smallest = record["webp"][0]
    height = max(1, round(160 * smallest["height"] / smallest["width"]))
    return _img(_url(smallest["name"]), item.image_alt, width=160, height=height)
