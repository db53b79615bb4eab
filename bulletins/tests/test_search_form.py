"""The search filters render in Python exactly what Django's widget templates render."""

import pytest
from django.forms.widgets import Widget
from django.urls import reverse

from bulletins import filters
from bulletins.filters import ItemFilter, SectionItemFilter

from .factories import make_issue

pytestmark = pytest.mark.django_db

ASKED = [
    None,  # an unbound form: the search page before a query
    {"q": "芯片"},
    {"q": "芯片", "section": "chips", "issue": "2", "date_from": "2024-01-01"},
    # Hostile and invalid values, shown back to the reader escaped, with their errors.
    {"q": "<b>\"芯片\"</b> & 'x'", "section": "<nope>", "issue": "1e3", "date_to": "x"},
    {"q": "芯片", "date_from": "2024-02-01", "date_to": "2024-01-01", "issue": "99999999999"},
    {"q": "一 二 三 四 五 六 七 八 九 十 十一"},  # too many terms
]


@pytest.fixture
def sections():
    issue = make_issue(number=2, sections=[])
    for position, (title, slug) in enumerate(
        [("半导体行业一周要闻", "chips"), ('<i>"安全"</i> & 合规', "a&b<c>")], start=1
    ):
        issue.sections.create(position=position, title=title, slug=slug)


def _fields_html(filterset_class, data, **kwargs):
    form = filterset_class(data, **kwargs).form
    form.is_valid()
    return [str(form[name]) for name in form.fields]


@pytest.mark.parametrize("data", ASKED)
@pytest.mark.parametrize(
    "filterset_class, kwargs", [(ItemFilter, {}), (SectionItemFilter, {"slug": "chips"})]
)
def test_search_filters_render_byte_for_byte_as_django_widget_templates_do(
    sections, monkeypatch, filterset_class, kwargs, data
):
    direct = _fields_html(filterset_class, data, **kwargs)
    monkeypatch.setattr(filters, "render_directly", lambda widget, **options: widget)
    templated = _fields_html(filterset_class, data, **kwargs)
    assert direct == templated
    assert any("<select" in html for html in direct) == (filterset_class is ItemFilter)


def test_search_page_renders_its_filters_without_widget_templates(client, sections, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a widget of the search filters went through its template")

    monkeypatch.setattr(Widget, "_render", refuse)
    response = client.get(reverse("bulletins:search"), {"q": "芯片", "section": "chips"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="chips" selected>半导体行业一周要闻</option>' in html
    assert '<option value="a&amp;b&lt;c&gt;">&lt;i&gt;&quot;安全&quot;&lt;/i&gt; &amp; 合规' in html
