"""Uploading a picture on the compose screen: what is refused, and what is kept of it."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageFile

from bulletins.images import rules
from bulletins.images.processing import prepare
from bulletins.models import Issue, Item

from . import pictures
from .test_admin import ADD_URL, new_issue_data

pytestmark = pytest.mark.django_db


def post_picture(editor, data, name="photo.jpg", alt="一张照片", **fields):
    form = new_issue_data(
        **{
            "sections-0-items-0-image": pictures.upload(data, name),
            "sections-0-items-0-image_alt": alt,
            **{f"sections-0-items-0-{key}": value for key, value in fields.items()},
        }
    )
    return editor.post(ADD_URL, form)


def assert_refused(response, *messages):
    assert response.status_code == 200
    html = response.content.decode()
    for message in messages:
        assert message in html
    assert not Issue.objects.exists()


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail any attempt to decode a picture's pixels."""

    def load(self):
        raise AssertionError("the picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


# Refusals


def test_a_decompression_bomb_is_refused_before_it_is_decoded(editor, no_decoding):
    bomb = pictures.png_bomb(12_000, 12_000)
    assert len(bomb) < 100_000  # 144 megapixels in a small file
    response = post_picture(editor, bomb, "chart.png")
    assert_refused(response, "12000 × 12000 像素", "144.0 百万像素", "最多接受 40 百万像素")
    assert pictures.stored_files() == []


def test_a_picture_declaring_billions_of_pixels_is_refused_unopened(editor, no_decoding):
    response = post_picture(editor, pictures.png_header_only(100_000, 100_000), "huge.png")
    assert_refused(response, "远远超过 40 百万像素")


def test_a_picture_over_40_megapixels_is_refused_with_its_dimensions(editor):
    response = post_picture(editor, pictures.png_bomb(8000, 5100), "poster.png")
    assert_refused(response, "8000 × 5100 像素", "40.8 百万像素")


def test_a_picture_of_exactly_40_megapixels_is_accepted():
    prepared = prepare(pictures.upload(pictures.png_bomb(8000, 5000), "poster.png"))
    assert (prepared.width, prepared.height) == (8000, 5000)


def test_a_picture_over_10_mb_is_refused_with_its_size_in_mb(editor):
    # A valid PNG padded past the limit: refused on its size before it is read as a picture.
    big = pictures.png() + b"\x00" * (10 * 1024 * 1024)
    response = post_picture(editor, big, "scan.png")
    assert_refused(response, "图片大小为 10.0 MB", "最多接受 10 MB")


def test_a_file_that_only_claims_to_be_a_png_is_refused(editor):
    response = post_picture(editor, b"this is not a picture at all" * 10, "chip.png")
    assert_refused(response, "“chip.png”不是 JPEG、PNG、WebP 或 GIF 图片")


@pytest.mark.parametrize(
    ("name", "data", "format_name"),
    [
        ("scan.jpg", pictures.encode(pictures.halves(), "TIFF"), "TIFF"),
        ("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
        ("slide.png", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        ("chart.bmp", pictures.encode(pictures.halves(), "BMP"), "BMP"),
    ],
)
def test_other_formats_are_refused_by_name(editor, name, data, format_name):
    response = post_picture(editor, data, name)
    assert_refused(response, f"“{name}”是 {format_name} 文件", "JPEG、PNG、WebP 或 GIF")


def test_a_truncated_picture_is_refused_as_damaged(editor):
    whole = pictures.encode(Image.effect_noise((400, 300), 60).convert("RGB"), "PNG")
    response = post_picture(editor, whole[: len(whole) // 2], "cut.png")
    assert_refused(response, "“cut.png”无法完整读取")


def test_a_picture_without_a_description_is_refused(editor):
    response = post_picture(editor, pictures.photo_jpeg(), alt="  ")
    assert_refused(response, "请为看不到图片的读者描述这张图片")


# What is kept


@pytest.mark.parametrize(
    ("data", "name", "extension"),
    [
        (pictures.photo_jpeg(), "photo.jpeg", ".jpg"),
        (pictures.png(mode="RGBA"), "chart.PNG", ".png"),
        (pictures.encode(pictures.halves(), "WEBP"), "photo.webp", ".webp"),
        (pictures.encode(pictures.halves(mode="P"), "GIF"), "logo.gif", ".gif"),
        # The name does not decide: a JPEG called .png is stored as the JPEG it is.
        (pictures.photo_jpeg(), "misnamed.png", ".jpg"),
    ],
)
def test_jpeg_png_webp_and_gif_are_accepted_and_named_by_their_content(
    editor, data, name, extension
):
    assert post_picture(editor, data, name).status_code == 302
    item = Item.objects.get(title="某云服务配置错误致数据暴露")
    assert item.image.name.startswith("images/")
    assert item.image.name.endswith(extension)
    assert default_storage.exists(item.image.name)


def test_caption_and_credit_are_saved_with_the_picture(editor):
    response = post_picture(
        editor, pictures.photo_jpeg(), image_caption="新厂房外景", image_credit="新华社"
    )
    assert response.status_code == 302
    item = Item.objects.get(title="某云服务配置错误致数据暴露")
    assert (item.image_caption, item.image_credit) == ("新厂房外景", "新华社")


def test_the_same_picture_uploaded_twice_is_stored_once(editor):
    data = pictures.photo_jpeg()
    form = new_issue_data(
        **{
            "sections-0-items-0-image": pictures.upload(data, "a.jpg"),
            "sections-0-items-0-image_alt": "照片",
            "sections-0-items-1-image": pictures.upload(data, "copy of a.jpg"),
            "sections-0-items-1-image_alt": "同一张照片",
        }
    )
    assert editor.post(ADD_URL, form).status_code == 302
    first, second = Item.objects.exclude(image="").order_by("position")
    assert first.image.name == second.image.name
    stored = pictures.stored_files()
    originals = [name for name in stored if name.endswith(".jpg") and "-" not in name]
    assert originals == [first.image.name]


def open_stored(name):
    with default_storage.open(name) as file:
        image = Image.open(BytesIO(file.read()))
        image.load()
        return image


def stored_pictures(item):
    record = item.image_renditions
    names = [item.image.name, record["share"]["name"]]
    return names + [entry["name"] for entry in record["webp"]]


def test_exif_orientation_is_applied_to_the_original_and_every_rendition(editor):
    # Stored on its side (60 × 40, red on top) with "rotate 90° clockwise to view" (6):
    # readers see it upright, 40 × 60, with the red half on the right.
    data = pictures.photo_jpeg(size=(60, 40), orientation=6)
    assert post_picture(editor, data).status_code == 302
    item = Item.objects.get(title="某云服务配置错误致数据暴露")
    assert (item.image_renditions["width"], item.image_renditions["height"]) == (40, 60)
    for name in stored_pictures(item):
        image = open_stored(name).convert("RGB")
        assert image.size == (40, 60), name
        red, green, blue = image.getpixel((image.width - 3, image.height // 2))
        assert red > 200 and blue < 60, name
        assert image.getexif().get(pictures.ORIENTATION) in (None, 1), name


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (pictures.photo_jpeg(), "photo.jpg"),
        (pictures.photo_jpeg(orientation=8), "turned.jpg"),
        (
            pictures.encode(
                pictures.halves(),
                "PNG",
                exif=pictures.camera_exif(),
                pnginfo=None,
                icc_profile=pictures.SRGB,
            ),
            "photo.png",
        ),
        (
            pictures.encode(
                pictures.halves(),
                "WEBP",
                exif=pictures.camera_exif(),
                xmp=pictures.XMP,
                icc_profile=pictures.SRGB,
            ),
            "photo.webp",
        ),
    ],
)
def test_location_and_camera_metadata_never_reach_readers(editor, data, name):
    assert b"SecretCam" in data
    assert post_picture(editor, data, name).status_code == 302
    item = Item.objects.get(title="某云服务配置错误致数据暴露")
    for stored in stored_pictures(item):
        with default_storage.open(stored) as file:
            raw = file.read()
        image = Image.open(BytesIO(raw))
        assert b"SecretCam" not in raw and b"PhoneMaker" not in raw, stored
        assert b"secret factory" not in raw, stored
        assert b"GPSLatitude" not in raw, stored
        assert not image.getexif().get_ifd(pictures.GPS_IFD), stored
        assert pictures.MAKE not in image.getexif(), stored
        # The colour profile is not personal, and without it colours shift: it stays.
        assert image.info.get("icc_profile") == pictures.SRGB, stored


def test_an_animated_gif_keeps_its_frames_and_readers_get_the_first_one(editor):
    frames = [Image.new("RGB", (50, 40), color) for color in ("red", "green", "blue")]
    data = pictures.encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert post_picture(editor, data, "spinner.gif").status_code == 302
    item = Item.objects.get(title="某云服务配置错误致数据暴露")
    assert open_stored(item.image.name).n_frames == 3
    webp = open_stored(item.image_renditions["webp"][0]["name"])
    assert getattr(webp, "n_frames", 1) == 1


def test_the_upload_field_tells_the_browser_which_formats_to_offer(editor):
    html = editor.get(ADD_URL).content.decode()
    assert f'accept="{rules.ACCEPT}"' in html
