"""While the database is unreachable: a clean 503 page in Chinese, never a traceback."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from .factories import make_issue

pytestmark = pytest.mark.django_db


def unreachable(execute, sql, params, many, context):
    raise OperationalError("connection to server failed: Connection refused")


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/", "/issues/1/", "/search/?q=芯片", "/api/items/", "/admin/"])
def test_pages_say_briefly_unavailable_in_chinese_while_the_database_is_down(reader, url):
    make_issue(number=1)
    with connection.execute_wrapper(unreachable):
        response = reader.get(url)
    page = response.content.decode()
    assert response.status_code == 503
    assert "网站暂时无法访问" in page and "Traceback" not in page and "OperationalError" not in page
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


def test_health_check_says_503_while_the_database_is_down(reader):
    with connection.execute_wrapper(unreachable):
        assert reader.get("/healthz").status_code == 503
    assert reader.get("/healthz").status_code == 200


def test_pages_come_back_by_themselves_when_the_database_does(reader):
    make_issue(number=1, title="恢复之后")
    with connection.execute_wrapper(unreachable):
        assert reader.get("/issues/1/").status_code == 503
    response = reader.get("/issues/1/")
    assert response.status_code == 200 and "恢复之后" in response.content.decode()


def test_other_server_errors_get_a_plain_500_page_in_chinese(reader, monkeypatch):
    make_issue(number=1)

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("bulletins.views.render_contents", broken)
    response = reader.get("/issues/1/")
    assert response.status_code == 500
    assert "出错了" in response.content.decode() and "a bug" not in response.content.decode()
