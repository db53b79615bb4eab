"""What validators and crawlers check on reader pages: an icon, descriptions, valid forms."""

import re
from urllib.parse import unquote

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from .factories import make_issue

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_sites_icon_and_pages_link_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = response["Location"]
    assert icon.endswith(".ico") and finders.find("favicon.ico")
    html = client.get("/").content.decode()
    assert f'<link rel="icon" href="{icon}"' in html


def test_an_issue_without_an_editors_note_is_described_by_its_headlines(client):
    issue = make_issue(number=3, sections=[("卫星通信", 3)])
    html = client.get(issue.get_absolute_url()).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
    assert description.startswith("本期要闻：卫星通信 第 1 条新闻；卫星通信 第 2 条新闻")


def test_an_issue_with_an_editors_note_is_described_by_it(client):
    issue = make_issue(number=3)
    issue.editors_note = "本期聚焦卫星互联网。"
    issue.save()
    html = client.get("/").content.decode()
    assert '<meta name="description" content="本期聚焦卫星互联网。">' in html


@pytest.mark.parametrize("page", ["section", "search"])
def test_filter_forms_submit_to_their_own_page(client, page):
    make_issue(number=3, sections=[("卫星通信", 1)])
    url = {
        "section": reverse("bulletins:section_archive", args=["卫星通信"]),
        "search": reverse("bulletins:search"),
    }[page]
    html = client.get(url, {"q": "卫星"}).content.decode()
    action = re.search(r'<form class="filters" method="get" action="([^"]+)">', html).group(1)
    assert unquote(action) == unquote(url)
