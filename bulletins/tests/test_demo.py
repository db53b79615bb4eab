"""`load_demo`, which `make run` calls: a published demo issue and an editor, once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from bulletins.demo import DEMO_EDITOR, DEMO_ISSUE
from bulletins.models import Issue, Item
from bulletins.tests.factories import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def development(settings):
    settings.DEBUG = True


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_issue_is_published_and_read_on_the_front_page(development, client):
    load_demo()

    issue = Issue.objects.published().get()
    assert issue.number == DEMO_ISSUE["number"]
    response = client.get(reverse("bulletins:home"))
    first_item = DEMO_ISSUE["sections"][0]["items"][0]
    assert first_item["title"] in response.content.decode()


def test_demo_issue_has_pictures_with_renditions_captions_and_credits(development, client):
    load_demo()
    html = client.get(reverse("bulletins:home")).content.decode()
    assert html.count("<picture>") == 2
    assert html.count("图片来源：Newsroom 编辑部绘制") == 2
    pictured = Item.objects.exclude(image="")
    assert all(item.image_renditions["webp"] for item in pictured)


def test_demo_items_are_found_by_search(development, client):
    load_demo()

    response = client.get(reverse("bulletins:api_item_list"), {"q": "攻防演练"})
    titles = [result["title"] for result in response.json()["results"]]
    assert DEMO_ISSUE["sections"][0]["items"][0]["title"] in titles


def test_demo_editor_can_sign_in_to_the_admin(development, client):
    load_demo()

    assert client.login(username=DEMO_EDITOR["username"], password=DEMO_EDITOR["password"])
    assert client.get(reverse("admin:bulletins_issue_changelist")).status_code == 200


def test_running_load_demo_again_adds_nothing(development):
    load_demo()
    items = Item.objects.count()

    output = load_demo()

    assert "no demo issue added" in output
    assert Issue.objects.count() == 1
    assert Item.objects.count() == items
    assert get_user_model().objects.filter(username=DEMO_EDITOR["username"]).count() == 1


def test_load_demo_keeps_away_from_a_site_that_has_content(development):
    make_issue(number=7)

    load_demo()

    assert list(Issue.objects.values_list("number", flat=True)) == [7]


def test_load_demo_refuses_to_run_outside_development(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        load_demo()

    assert not Issue.objects.exists()
    assert not get_user_model().objects.filter(username=DEMO_EDITOR["username"]).exists()
