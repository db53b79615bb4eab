"""Benchmark pictures: the time to make a 4000×3000 JPEG's renditions, and the bytes a phone
downloads for the 29-item sample's issue page with a picture on every item, before and after.

    python bench/bench_images.py [--repeat 5] [--skip-browser]

Generates its own pictures (photo-like 4000×3000 JPEGs of about 6–7 MB, as phones write
them). The issue is the legacy sample at ../shared/legacy, imported into a fresh SQLite
database in a temporary folder; nothing is written outside it.

"Before" is the markup the item page had before renditions (the stored picture, whole, in
an <img loading="lazy">); "after" is the current markup. Both are fetched by Debian's
Chromium (Playwright) as a phone: first the page as it opens, then after scrolling to the
end (every lazy picture loaded). Prints figures; asserts nothing. Timings on a shared
machine are noisy: compare the medians of one run.
"""

import argparse
import functools
import mimetypes
import os
import statistics
import sys
import tempfile
import threading
import time
from io import BytesIO
from pathlib import Path

import _django  # noqa: I001 (sets Django up before the project is imported)

os.environ["MEDIA_ROOT"] = str(_django.TMP / "media")
# "Before" and "after" are the same URL and the same rows, rendered with other templates: no
# page or fragment kept from one may answer for the other.
os.environ["NEWSROOM_PAGE_CACHE"] = "off"
os.environ["NEWSROOM_FRAGMENT_CACHE"] = "off"
_django.setup()
ROOT, TMP = _django.ROOT, _django.TMP

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from bulletins.images import processing  # noqa: E402
from bulletins.images.processing import prepare  # noqa: E402
from bulletins.legacy.importer import import_legacy_file  # noqa: E402
from bulletins.models import Issue, Item  # noqa: E402
from bulletins.tests.browsing import launch_chromium  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "legacy" / "000_ac2c61553267274f.txt"
# Lighthouse's phone (a Moto G Power), and a recent iPhone.
PHONES = {
    "phone 412×823 @1.75x": {"width": 412, "height": 823, "scale": 1.75},
    "phone 390×844 @3x": {"width": 390, "height": 844, "scale": 3},
}
BEFORE_ITEM_BODY = """{% load i18n %}{% if item.image %}
<figure class="item-figure">
  <img src="{{ item.image.url }}" alt="{{ item.image_alt }}" loading="lazy">
</figure>
{% endif %}
<div class="item-body">
  {% for paragraph in item.paragraphs %}<p>{{ paragraph }}</p>
  {% endfor %}
</div>
"""


class Upload(BytesIO):
    def __init__(self, data, name):
        super().__init__(data)
        self.name, self.size = name, len(data)


@functools.cache
def _detail(size):
    """Random detail at every scale, from broad shapes to sensor grain, in three channels."""
    width, height = size
    channels = []
    for _ in range(3):
        layers = []
        for octave, sigma in ((256, 90), (64, 70), (16, 50), (4, 40), (1, 24)):
            small = Image.effect_noise((max(1, width // octave), max(1, height // octave)), sigma)
            layers.append(small.resize(size, Image.Resampling.BICUBIC))
        plane = layers[0]
        for n, layer in enumerate(layers[1:], start=2):
            plane = Image.blend(plane, layer, 1 / n)
        channels.append(plane)
    return Image.merge("RGB", channels).filter(ImageFilter.UnsharpMask(2, 80, 2))


def photo(seed, size=(4000, 3000)):
    """A photo-like JPEG at quality 95, what phones write (6–7 MB at 12 megapixels), whose
    renditions weigh what a real photo's do; each seed gives a different picture."""
    width, height = size
    detail = _detail((width + 400, height + 300))
    x, y = (seed * 137) % 400, (seed * 71) % 300
    image = detail.crop((x, y, x + width, y + height))
    order = [(0, 1, 2), (1, 2, 0), (2, 0, 1), (0, 2, 1), (2, 1, 0), (1, 0, 2)][seed % 6]
    bands = image.split()
    image = Image.merge("RGB", [bands[i] for i in order])
    if seed // 6 % 2:
        image = image.transpose(Image.Transpose.ROTATE_180)
    out = BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def _timed(function, *args):
    """Run once; return (result, wall seconds, CPU seconds of this process). The CPU time is
    what counts on a shared machine: the image work runs on one core, in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def time_renditions(data, repeat):
    """Median times of the whole upload step, and of its parts, for one picture."""
    runs = {"whole": [], "decode": [], "renditions": [], "avif": []}

    def decoded():
        image = Image.open(BytesIO(data))
        image.load()
        return image

    def avif(image):
        out = BytesIO()
        image.save(out, "AVIF", quality=60)
        return out.getvalue()

    for _ in range(repeat):
        prepared, *times = _timed(prepare, Upload(data, "photo.jpg"))
        runs["whole"].append(times)
        image, *times = _timed(decoded)
        runs["decode"].append(times)
        runs["renditions"].append(_timed(processing.make_renditions, image)[1:])
        largest = image.resize((1440, 1080), Image.Resampling.LANCZOS)
        encoded, *times = _timed(avif, largest)
        runs["avif"].append(times)

    def ms(name):
        wall = statistics.median(t[0] for t in runs[name]) * 1000
        cpu = statistics.median(t[1] for t in runs[name]) * 1000
        return f"{cpu:.0f} ms CPU ({wall:.0f} ms wall)"

    webp = prepared.renditions[-2]
    print(f"4000×3000 JPEG of {len(data) / 1e6:.1f} MB, median of {repeat}:")
    print(f"  upload step in all (check, decode, clean original, renditions): {ms('whole')}")
    print(f"    of which decoding the JPEG: {ms('decode')}")
    print(f"    of which the {len(prepared.renditions)} renditions: {ms('renditions')}")
    print(
        f"  for comparison, the 1440 px rendition as AVIF (quality 60): {ms('avif')} for it "
        f"alone, {len(encoded) / 1e3:.0f} KB vs the WebP's {len(webp.data) / 1e3:.0f} KB"
    )
    for rendition in prepared.renditions:
        print(
            f"    {rendition.suffix:>18}: {rendition.width}×{rendition.height}, "
            f"{len(rendition.data) / 1e3:.0f} KB"
        )
    print("  before: no renditions were made; the upload was stored as sent.")


def build_issue():
    call_command("migrate", verbosity=0)
    result = import_legacy_file(SAMPLE)
    issue = Issue.objects.get(number=result.issue_number)
    issue.status = Issue.Status.PUBLISHED
    issue.published_at = issue.created_at
    issue.save()
    items = list(
        Item.objects.filter(section__issue=issue).order_by("section__position", "position")
    )
    start = time.perf_counter()
    uploaded = 0
    for n, item in enumerate(items):
        data = photo(n)
        uploaded += len(data)
        item.image = ContentFile(data, name=f"photo-{n}.jpg")
        item.image_alt = f"第 {n + 1} 条新闻的配图"
        item.save()
    print(
        f"  {len(items)} items given a 4000×3000 picture each ({uploaded / 1e6:.1f} MB in all) "
        f"in {time.perf_counter() - start:.1f} s (generating the pictures included)"
    )
    return issue, items


def serve():
    django_app = get_wsgi_application()
    media = Path(settings.MEDIA_ROOT)
    static = ROOT / "static"

    def app(environ, start_response):
        path = environ["PATH_INFO"]
        for prefix, folder in (("/media/", media), ("/static/", static)):
            if path.startswith(prefix):
                file = folder / path[len(prefix) :]
                if not file.is_file():
                    start_response("404 Not Found", [("Content-Type", "text/plain")])
                    return [b"not found"]
                body = file.read_bytes()
                kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                start_response(
                    "200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))]
                )
                return [body]
        return django_app(environ, start_response)

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fetch_as_phone(browser, url, phone):
    context = browser.new_context(
        viewport={"width": phone["width"], "height": phone["height"]},
        device_scale_factor=phone["scale"],
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    received, pending = [], set()
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: (received.append(request), pending.discard(request)))
    page.on("requestfailed", lambda request: pending.discard(request))

    def settle():
        for _ in range(600):
            page.wait_for_timeout(50)
            if not pending:
                return

    def tally():
        images = document = other = 0
        for request in received:
            size = request.sizes()["responseBodySize"]
            if request.resource_type == "image":
                images += size
            elif request.resource_type == "document":
                document += size
            else:
                other += size
        return images, document, other, sum(r.resource_type == "image" for r in received)

    page.goto(url, wait_until="networkidle")
    first_screen = tally()
    # Read to the end half a screen at a time, letting each picture in view arrive: pictures
    # without a size grow the page as they load, so the end is where scrolling stops moving.
    still = 0
    for _ in range(2000):
        moved = page.evaluate(
            "() => { const y = window.scrollY; window.scrollBy(0, window.innerHeight / 2);"
            " return window.scrollY !== y; }"
        )
        settle()
        still = 0 if moved else still + 1
        if still == 5:
            break
        if not moved:
            page.wait_for_timeout(200)
    whole_page = tally()
    context.close()
    return first_screen, whole_page


def phone_bytes(issue):
    from playwright.sync_api import sync_playwright

    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    server = serve()
    url = f"http://127.0.0.1:{server.server_port}{issue.get_absolute_url()}"
    before_dir = Path(tempfile.mkdtemp(prefix="newsroom-before-", dir=TMP))
    (before_dir / "bulletins").mkdir()
    (before_dir / "bulletins" / "_item_body.html").write_text(BEFORE_ITEM_BODY)
    before_templates = [
        {**settings.TEMPLATES[0], "DIRS": [before_dir, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name, phone in PHONES.items():
            print(f"  {name}:")
            for label, templates in (("before", before_templates), ("after", settings.TEMPLATES)):
                with override_settings(TEMPLATES=templates):
                    first, whole = fetch_as_phone(browser, url, phone)
                for when, (images, document, other, count) in (
                    ("opening", first),
                    ("read to the end", whole),
                ):
                    print(
                        f"    {label:>6}, {when:>15}: {images / 1e6:7.2f} MB in {count:2d} "
                        f"pictures + {document / 1e3:.0f} KB page + {other / 1e3:.0f} KB other"
                    )
        browser.close()
    server.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    # Static files straight from static/ (no collectstatic manifest in a benchmark).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    time_renditions(photo(0), args.repeat)
    if args.skip_browser:
        return
    if not SAMPLE.exists():
        sys.exit(f"The legacy sample is not at {SAMPLE}.")
    print(f"The legacy sample's issue ({SAMPLE.name}), a phone's downloads:")
    issue, _ = build_issue()
    phone_bytes(issue)


if __name__ == "__main__":
    main()
