"""Renditions: WebP at the reading column's widths and a shared JPEG, made once at upload."""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from bulletins.images import markup

from . import pictures
from .factories import make_issue

pytestmark = pytest.mark.django_db


def stored_image(name):
    with default_storage.open(name) as file:
        image = Image.open(BytesIO(file.read()))
        image.load()
        return image


def item_with(data, name="photo.jpg"):
    item = make_issue(sections=[("半导体行业一周要闻", 1)]).sections.get().items.get()
    item.image = ContentFile(data, name=name)
    item.image_alt = "一张图"
    item.save()
    return item


@pytest.mark.parametrize(
    ("size", "widths", "share"),
    [
        ((1600, 1200), [480, 800, 1080, 1440], (1200, 900)),
        ((1000, 500), [480, 800, 1000], (1000, 500)),
        ((1060, 800), [480, 800, 1060], (1060, 800)),  # no 1080 wider than the picture
        ((300, 200), [300], (300, 200)),
    ],
)
def test_renditions_are_webp_at_column_widths_never_wider_than_the_picture(size, widths, share):
    item = item_with(pictures.photo(size))
    record = item.image_renditions
    assert (record["width"], record["height"]) == size
    assert [entry["width"] for entry in record["webp"]] == widths
    for entry in record["webp"]:
        image = stored_image(entry["name"])
        assert image.format == "WEBP"
        assert image.size == (entry["width"], entry["height"])
        assert entry["height"] == round(size[1] * entry["width"] / size[0])
    shared = stored_image(record["share"]["name"])
    assert shared.format == "JPEG"
    assert shared.size == share
    assert record["share"]["bytes"] == default_storage.size(record["share"]["name"])


def test_renditions_live_beside_their_original_under_its_content_address():
    item = item_with(pictures.photo((900, 600)))
    stem = item.image.name.rpartition(".")[0]
    names = [entry["name"] for entry in item.image_renditions["webp"]]
    assert names == [f"{stem}-480.webp", f"{stem}-800.webp", f"{stem}-900.webp"]
    assert item.image_renditions["share"]["name"] == f"{stem}-share-900.jpg"


def test_a_transparent_png_stays_transparent_in_webp_and_is_shared_on_white():
    image = Image.new("RGBA", (120, 80), (0, 0, 0, 0))
    image.paste(Image.new("RGBA", (60, 80), (200, 0, 0, 255)), (0, 0))
    item = item_with(pictures.encode(image, "PNG"), "logo.png")
    webp = stored_image(item.image_renditions["webp"][0]["name"])
    assert webp.mode == "RGBA"
    assert webp.getpixel((100, 40))[3] == 0
    shared = stored_image(item.image_renditions["share"]["name"]).convert("RGB")
    assert min(shared.getpixel((100, 40))) > 240  # white where it was transparent


def test_renditions_are_served_from_media_url(settings):
    settings.MEDIA_URL = "/files/"
    item = item_with(pictures.photo((600, 400)))
    html = markup.picture(item)
    for entry in item.image_renditions["webp"]:
        assert f"/files/{entry['name']} {entry['width']}w" in html
    assert f'src="/files/{item.image_renditions["share"]["name"]}"' in html


def test_a_picture_stored_before_renditions_is_shown_as_it_was():
    item = make_issue(sections=[("半导体行业一周要闻", 1)]).sections.get().items.get()
    name = default_storage.save("items/2024/01/old.png", ContentFile(pictures.png()))
    type(item).objects.filter(pk=item.pk).update(image=name, image_alt="旧图")
    item.refresh_from_db()
    html = markup.picture(item)
    assert html == (f'<img src="/media/{name}" alt="旧图" loading="lazy" decoding="async">')


def test_a_cmyk_jpeg_is_shown_in_rgb_without_its_print_profile():
    # A CMYK profile on an RGB WebP would make browsers show wrong colours: it is not copied.
    cmyk = Image.new("CMYK", (120, 80), (0, 255, 255, 0))  # red ink
    item = item_with(pictures.encode(cmyk, "JPEG", icc_profile=pictures.SRGB), "print.jpg")
    for name in [e["name"] for e in item.image_renditions["webp"]] + [
        item.image_renditions["share"]["name"]
    ]:
        image = stored_image(name)
        assert image.mode == "RGB"
        assert "icc_profile" not in image.info
        red, green, blue = image.getpixel((60, 40))
        assert red > 200 and green < 60 and blue < 60
