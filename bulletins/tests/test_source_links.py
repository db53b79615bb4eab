"""An item's source link: http(s) only, and stored exactly as the editor typed it."""

import pytest
from django.urls import reverse

from bulletins.forms import ItemForm
from bulletins.models import Item

from .admin_forms import form_data
from .factories import make_issue


def source_url_errors(value):
    form = ItemForm(data={"position": "1", "title": "标题", "body": "正文", "source_url": value})
    form.is_valid()
    return form.errors.get("source_url", []), form.cleaned_data.get("source_url")


@pytest.mark.parametrize(
    "link",
    [
        "https://example.com/news/1",
        "http://example.com/news?id=1&page=2",
        "HTTPS://Example.com/新闻/1",
        "https://example.com:8443/x",
    ],
)
def test_web_links_are_kept_exactly_as_typed(link):
    errors, cleaned = source_url_errors(link)
    assert errors == []
    assert cleaned == link


def test_surrounding_spaces_are_the_only_thing_removed():
    assert source_url_errors("  https://example.com/x \n") == ([], "https://example.com/x")


@pytest.mark.parametrize(
    "link, scheme",
    [
        ("ftp://files.example.com/report.pdf", "ftp"),
        ("ftps://files.example.com/report.pdf", "ftps"),
        ("javascript:alert(1)", "javascript"),
        ("JavaScript://example.com/%0Aalert(1)", "javascript"),
        ("data:text/html,<script>alert(1)</script>", "data"),
        ("mailto:editor@example.com", "mailto"),
        ("file:///etc/passwd", "file"),
    ],
)
def test_links_that_are_not_web_links_are_refused_with_their_scheme_named(link, scheme):
    errors, _ = source_url_errors(link)
    assert errors == [f"只能使用网页链接（http:// 或 https://），不能使用“{scheme}:”链接。"]


@pytest.mark.parametrize(
    "link, suggestion",
    [
        ("//evil.example/x", "https://evil.example/x"),
        ("example.com/news/1", "https://example.com/news/1"),
        ("example.com:8080/news", "https://example.com:8080/news"),
    ],
)
def test_a_link_without_scheme_is_refused_and_the_full_link_suggested(link, suggestion):
    errors, _ = source_url_errors(link)
    assert errors == [f"请写出完整链接，以 https:// 或 http:// 开头。您是否要填写 {suggestion}？"]


def test_a_web_link_that_is_not_an_address_is_refused():
    errors, _ = source_url_errors("https://")
    assert errors == ["请输入完整的网址，例如 https://example.com/news/1。"]


@pytest.mark.django_db
def test_the_compose_screen_stores_nothing_for_a_protocol_relative_link(editor):
    issue = make_issue(sections=(("安全行业一周要闻", 1),))
    url = reverse("admin:bulletins_issue_change", args=[issue.pk])
    data = form_data(editor.get(url))
    data["sections-0-items-0-source_url"] = "//evil.example/x"
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "您是否要填写 https://evil.example/x？" in response.content.decode()
    assert Item.objects.get().source_url == ""

    data["sections-0-items-0-source_url"] = "https://evil.example/x"
    assert editor.post(url, data).status_code == 302
    assert Item.objects.get().source_url == "https://evil.example/x"
