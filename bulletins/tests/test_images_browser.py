"""Pictures in a real browser: an editor uploads, replaces and removes one; a reader on a
phone gets the rendition that fits, without the page jumping as it loads."""

import mimetypes

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from bulletins.models import Item

from . import pictures
from .browsing import log_in, pytestmark  # noqa: F401 (the browser tests' marks)
from .factories import make_issue

ROW = "sections-0-items-0"


def media_server(live_server):
    """Answer /media/ from the default storage, as the web server does in production."""
    prefix = live_server.url + "/media/"

    def fulfil(route):
        name = route.request.url.removeprefix(prefix)
        if not default_storage.exists(name):
            return route.fulfill(status=404, body="")
        with default_storage.open(name) as file:
            body = file.read()
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return route.fulfill(status=200, body=body, headers={"Content-Type": kind})

    return prefix + "**", fulfil


def picture_files(item):
    record = item.image_renditions
    return [item.image.name, record["share"]["name"], *(e["name"] for e in record["webp"])]


def save(page):
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    assert page.locator(".errornote").count() == 0, page.content()[:2000]


def open_item(page):
    """Unfold the first item's row of the compose screen, where its picture fields are."""
    details = page.locator(f"#row-{ROW} details.row-details")
    if not details.evaluate("element => element.open"):
        page.click(f"#row-{ROW} summary")


def test_editor_uploads_replaces_and_removes_a_picture(browser_page, live_server, tmp_path):
    page = browser_page
    issue = make_issue(number=21, sections=[("半导体行业一周要闻", 1)])
    first = tmp_path / "IMG_0001.JPG"
    first.write_bytes(pictures.photo_jpeg(size=(1600, 1200), orientation=6))
    second = tmp_path / "chart.png"
    second.write_bytes(pictures.png(size=(900, 600)))
    log_in(page, live_server)
    url = live_server.url + reverse("admin:bulletins_issue_change", args=[issue.pk])

    page.goto(url)
    open_item(page)
    page.set_input_files(f"input[name={ROW}-image]", str(first))
    page.fill(f"input[name={ROW}-image_alt]", "新晶圆厂的洁净室")
    page.fill(f"input[name={ROW}-image_caption]", "洁净室内景")
    page.fill(f"input[name={ROW}-image_credit]", "某某摄影")
    save(page)
    item = Item.objects.get()
    assert item.image.name.endswith(".jpg")
    assert (item.image_renditions["width"], item.image_renditions["height"]) == (1200, 1600)
    uploaded = picture_files(item)
    assert all(default_storage.exists(name) for name in uploaded)

    open_item(page)
    page.set_input_files(f"input[name={ROW}-image]", str(second))
    save(page)
    item.refresh_from_db()
    assert item.image.name.endswith(".png")
    assert not any(default_storage.exists(name) for name in uploaded)

    replaced = picture_files(item)
    open_item(page)
    page.check(f"input[name={ROW}-image-clear]")
    save(page)
    item.refresh_from_db()
    assert not item.image
    assert not any(default_storage.exists(name) for name in replaced)


def test_a_phone_gets_the_rendition_that_fits_and_the_page_does_not_jump(browser_page, live_server):
    issue = make_issue(number=22, sections=[("半导体行业一周要闻", 6)])
    items = pictures.give_pictures(issue.sections.get().items.order_by("position"), (1600, 1200))
    context = browser_page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True
    )
    phone = context.new_page()
    media, fulfil = media_server(live_server)
    fetched = []
    phone.on("requestfinished", lambda request: fetched.append(request.url))
    phone.add_init_script(
        "window.shifts = 0; new PerformanceObserver(list => list.getEntries().forEach("
        "e => { window.shifts += e.value; })).observe({type: 'layout-shift', buffered: true});"
    )

    # The item page: before its picture arrives, the picture's place is already its size.
    held = []
    phone.route(media, lambda route: held.append(route) if held is not None else fulfil(route))
    phone.goto(live_server.url + items[0].get_absolute_url(), wait_until="domcontentloaded")
    image = phone.locator(".item-figure img")
    assert image.evaluate("img => !img.complete")
    assert image.bounding_box()["height"] == pytest.approx(358 * 3 / 4, abs=1)
    waiting, held = held, None
    for route in waiting:
        fulfil(route)
    phone.wait_for_load_state("networkidle")
    # It loads at once (not lazily), 358 px wide at 3x, so the 1080 px WebP.
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert image.evaluate("img => img.currentSrc").endswith("-1080.webp")
    assert image.bounding_box()["width"] == pytest.approx(358, abs=1)
    assert image.bounding_box()["height"] == pytest.approx(358 * 3 / 4, abs=1)
    assert phone.locator("figcaption").count() == 0
    assert phone.evaluate("window.shifts") == 0

    # The issue page: the pictures below the first screen wait until the reader gets there.
    fetched.clear()
    phone.goto(live_server.url + issue.get_absolute_url(), wait_until="networkidle")
    loaded = [url for url in fetched if url.endswith(".webp")]
    assert len(loaded) < len(items)
    assert all(url.endswith("-1080.webp") for url in loaded)
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    phone.wait_for_load_state("networkidle")
    phone.wait_for_timeout(300)
    assert len([url for url in fetched if url.endswith(".webp")]) > len(loaded)
    assert not any(url.endswith(".jpg") for url in fetched)  # the original is never sent
    context.close()
