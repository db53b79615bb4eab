"""Readers' pages, feeds and link previews show the renditions, made once and never again."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bulletins.images import files, processing

from . import pictures
from .factories import make_issue

pytestmark = pytest.mark.django_db

COLUMN = 'sizes="(min-width: 678px) 646px, calc(100vw - 2rem)"'


def items_of(issue):
    return list(type(issue).objects.get(pk=issue.pk).sections.all()[0].items.all())


def issue_with_pictures(sections=(("半导体行业一周要闻", 3),), size=(200, 150), **kwargs):
    issue = make_issue(sections=sections, **kwargs)
    for section in issue.sections.all():
        pictures.give_pictures(section.items.order_by("position"), size=size)
    return issue


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def meta(html, prop):
    found = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    return found and found.group(1)


# The item page


def test_item_page_shows_the_picture_in_webp_widths_with_its_size_caption_and_credit(client):
    issue = make_issue(sections=[("半导体行业一周要闻", 1)])
    item = issue.sections.get().items.get()
    pictures.give_pictures([item], size=(1600, 1200), image_caption="新厂房外景")
    item.image_credit = "新华社"
    item.save()
    record = item.image_renditions
    html = html_of(client, item.get_absolute_url())

    srcset = ", ".join(f"/media/{e['name']} {e['width']}w" for e in record["webp"])
    assert f'<source type="image/webp" srcset="{srcset}" {COLUMN}>' in html
    img = re.search(r"<picture>.*?(<img [^>]*>)</picture>", html).group(1)
    assert f'src="/media/{record["share"]["name"]}"' in img
    assert 'width="1440" height="1080"' in img  # no jump when it loads
    assert 'alt="第 1 张图片"' in img
    assert 'decoding="async"' in img
    assert "loading=" not in img  # the item's picture is on the first screen
    assert "<figcaption>新厂房外景 <span" in html
    assert "图片来源：新华社" in html


def test_item_page_gives_its_picture_to_link_previews(client):
    item = items_of(issue_with_pictures(size=(1600, 1200)))[0]
    html = html_of(client, item.get_absolute_url())
    share = item.image_renditions["share"]
    assert meta(html, "og:image") == f"http://testserver/media/{share['name']}"
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "900")
    assert meta(html, "og:image:type") == "image/jpeg"
    assert meta(html, "og:image:alt") == "第 1 张图片"


def test_a_page_without_a_picture_gives_link_previews_none(client):
    issue = make_issue()
    assert meta(html_of(client, issue.get_absolute_url()), "og:image") is None


# The issue page


def test_issue_page_shows_every_picture_lazily_and_previews_with_the_first(client):
    issue = issue_with_pictures(sections=[("安全行业一周要闻", 1), ("半导体行业一周要闻", 2)])
    html = html_of(client, issue.get_absolute_url())
    images = re.findall(r"<picture>.*?</picture>", html)
    assert len(images) == 3
    assert all('loading="lazy"' in img and 'decoding="async"' in img for img in images)
    first = issue.sections.get(position=1).items.get()
    share = first.image_renditions["share"]["name"]
    assert meta(html, "og:image") == f"http://testserver/media/{share}"
    assert meta(html, "og:image:width") == "200"


def test_issue_page_costs_the_same_queries_with_a_picture_on_every_item(
    client, django_assert_num_queries
):
    plain = make_issue(sections=[("半导体行业一周要闻", 2)])
    with CaptureQueriesContext(connection) as queries:
        html_of(client, plain.get_absolute_url())
    many = issue_with_pictures(
        sections=[("安全行业一周要闻", 4), ("半导体行业一周要闻", 4), ("通信行业一周要闻", 4)]
    )
    with django_assert_num_queries(len(queries)):
        html = html_of(client, many.get_absolute_url())
    assert html.count("<picture>") == 12


def test_a_second_page_view_makes_no_file_and_renders_nothing(client, monkeypatch):
    issue = issue_with_pictures()
    item = items_of(issue)[0]
    before = pictures.stored_files()

    def fail(*args, **kwargs):
        raise AssertionError("a page view made a picture")

    monkeypatch.setattr(processing, "make_renditions", fail)
    monkeypatch.setattr(files, "store", fail)
    for url in [issue.get_absolute_url(), item.get_absolute_url()] * 2:
        html_of(client, url)
    assert pictures.stored_files() == before


def test_draft_preview_shows_the_pictures_to_staff(admin_client):
    issue = issue_with_pictures(status="draft", published_at=None)
    html = html_of(admin_client, issue.get_preview_url())
    assert html.count("<picture>") == 3


# The section archive


def test_section_archive_shows_thumbnails_from_the_smallest_rendition(client):
    issue = issue_with_pictures(sections=[("半导体行业一周要闻", 6)], size=(1000, 750))
    html = html_of(client, reverse("bulletins:section_archive", args=["半导体行业一周要闻"]))
    thumbnails = re.findall(r"<picture>.*?</picture>", html)
    assert len(thumbnails) == 6
    assert all('sizes="6rem"' in t and 'class="entry-thumb"' in t for t in thumbnails)
    assert all("-480.webp 480w" in t for t in thumbnails)
    assert ['loading="lazy"' in t for t in thumbnails] == [False] * 4 + [True] * 2
    assert issue.number


# Feeds


def parse(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)


def test_section_rss_carries_each_picture_as_an_enclosure_and_in_the_entry(client):
    issue = issue_with_pictures(size=(1600, 1200))
    items = items_of(issue)
    rss = parse(client.get(reverse("bulletins:section_feed_rss", args=["半导体行业一周要闻"])))
    entries = rss.findall("./channel/item")
    assert len(entries) == 3
    for entry in entries:
        item = next(i for i in items if i.title == entry.findtext("title"))
        share = item.image_renditions["share"]
        enclosure = entry.find("enclosure")
        assert enclosure.attrib == {
            "url": f"http://testserver/media/{share['name']}",
            "length": str(default_storage.size(share["name"])),
            "type": "image/jpeg",
        }
        description = entry.findtext("description")
        assert (
            f'<img src="http://testserver/media/{share["name"]}" width="1200" height="900" '
            f'alt="{item.image_alt}">'
        ) in description


def test_section_atom_links_each_picture_as_an_enclosure(client):
    issue = issue_with_pictures()
    atom = parse(client.get(reverse("bulletins:section_feed_atom", args=["半导体行业一周要闻"])))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = atom.findall("./a:entry/a:link[@rel='enclosure']", ns)
    names = {item.image_renditions["share"]["name"] for item in items_of(issue)}
    assert {link.attrib["href"].removeprefix("http://testserver/media/") for link in links} == (
        names
    )
    assert all(link.attrib["type"] == "image/jpeg" for link in links)


def test_issues_feed_carries_every_picture_in_the_issue(client):
    issue = issue_with_pictures()
    rss = parse(client.get(reverse("bulletins:feed_rss")))
    description = rss.find("./channel/item").findtext("description")
    for item in items_of(issue):
        assert f'src="http://testserver/media/{item.image_renditions["share"]["name"]}"' in (
            description
        )


def test_an_item_without_a_picture_has_no_enclosure(client):
    make_issue()
    rss = parse(client.get(reverse("bulletins:section_feed_rss", args=["半导体行业一周要闻"])))
    assert rss.findall("./channel/item/enclosure") == []


def test_the_compose_screen_shows_the_current_picture_small(admin_client):
    issue = issue_with_pictures(sections=[("半导体行业一周要闻", 1)], size=(1600, 1200))
    item = items_of(issue)[0]
    url = reverse("admin:bulletins_issue_change", args=[issue.pk])
    html = html_of(admin_client, url)
    smallest = item.image_renditions["webp"][0]["name"]
    assert (
        f'<div class="picture-preview"><img src="/media/{smallest}" alt="第 1 张图片" '
        'width="160" height="120" decoding="async"></div>'
    ) in html
