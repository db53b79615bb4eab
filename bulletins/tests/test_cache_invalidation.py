"""Every way of changing what readers see shows at once on every surface, cached or not.

Each test first has every surface rendered and cached (the second fetch is a cache hit), then
changes content the way editors and tools do — the compose screen, the editorial actions, an
import, a revert, a picture, a deletion, the clock reaching a scheduled time — and reads the
surfaces again. A cache that missed the change would serve the stale copies it holds.

Fixtures start on the minute: the compose screen rounds publication times to the minute, so a
fixture with seconds would change on any save and hide a validator that ignores the edit.
"""

from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bulletins import editorial
from bulletins.history import record_revision, revert_to, revisions_of
from bulletins.models import Issue, Item
from bulletins.search import index_issue

from . import pictures
from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db

ON_THE_MINUTE = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
SLUG = "卫星通信"
WORD = "量子"  # in no fixture text: a search for it finds only what a change brings


@pytest.fixture
def issues():
    older = make_issue(
        number=6,
        title="六号刊",
        published_at=ON_THE_MINUTE - timedelta(days=7),
        issue_date=date(2024, 3, 4),
        sections=[(SLUG, 2)],
    )
    newest = make_issue(
        number=7,
        title="七号刊",
        published_at=ON_THE_MINUTE,
        issue_date=date(2024, 3, 11),
        sections=[(SLUG, 3), ("半导体", 2)],
    )
    for issue in (older, newest):
        record_revision(issue, summary="初稿")
    return older, newest


def surfaces(issue_number=7):
    item = f"/issues/{issue_number}/1-1/"
    return {
        "home": "/",
        "issue": f"/issues/{issue_number}/",
        "item": item,
        "archive": reverse("bulletins:issue_archive"),
        "section": reverse("bulletins:section_archive", args=[SLUG]),
        "section feed": reverse("bulletins:section_feed_rss", args=[SLUG]),
        "issues feed": reverse("bulletins:feed_atom"),
        "sitemap": "/sitemap-issues.xml",
        "sitemap items": "/sitemap-items.xml",
        "api issues": reverse("bulletins:api_issue_list"),
        "api issue": reverse("bulletins:api_issue_detail", args=[issue_number]),
        "search": reverse("bulletins:search") + "?q=" + quote(WORD),
        "api search": reverse("bulletins:api_item_list") + "?q=" + quote(WORD),
    }


def cache_everything(client, urls):
    """Fetch every surface twice: the second answer must come from the page cache."""
    for name, url in urls.items():
        client.get(url)
        response = client.get(url)
        if response.status_code == 200:
            assert response["X-Page-Cache"] == "hit", name


def read(client, urls):
    return {name: client.get(url) for name, url in urls.items()}


def text(response):
    return response.content.decode()


def change_url(issue):
    return reverse("admin:bulletins_issue_change", args=[issue.pk])


def save_in_compose_screen(admin_client, issue, files=None, **changes):
    data = {**form_data(admin_client.get(change_url(issue))), **changes, **(files or {})}
    response = admin_client.post(change_url(issue), data)
    assert response.status_code == 302, response.context and response.context.get("errors")


SHOWING_ITEMS = ["home", "issue", "section", "section feed", "issues feed", "api issue"]


def quantum_draft():
    """A dated draft, No. 8, with one item in the section shared with the published issues."""
    return make_issue(
        number=8,
        title="量子专刊",
        status=Issue.Status.DRAFT,
        published_at=None,
        issue_date=date(2024, 3, 18),
        sections=[(SLUG, 1)],
    )


def test_an_edit_on_the_compose_screen_shows_everywhere_at_once(client, admin_client, issues):
    urls = surfaces()
    cache_everything(client, urls)

    save_in_compose_screen(admin_client, issues[1], **{"sections-0-items-0-title": "量子卫星上天"})

    seen = read(client, urls)
    for name in [*SHOWING_ITEMS, "item"]:
        assert "量子卫星上天" in text(seen[name]), name
    assert "<mark>量子</mark>卫星上天" in text(seen["search"])  # the match highlighted
    assert seen["api search"].json()["count"] == 1


def test_publishing_shows_the_issue_everywhere_at_once(client, issues):
    draft = quantum_draft()
    Item.objects.filter(section__issue=draft).update(title="量子计算机问世")
    index_issue(draft)
    urls = surfaces(8)
    cache_everything(client, urls)

    editorial.publish(draft)

    seen = read(client, urls)
    for name in ["home", "issue", "archive", "issues feed", "api issues", "api issue"]:
        assert "量子专刊" in text(seen[name]), name
    for name in ["section", "section feed", "item"]:
        assert "量子计算机问世" in text(seen[name]), name
    assert "<mark>量子</mark>计算机问世" in text(seen["search"])
    assert "/issues/8/" in text(seen["sitemap"]) and "/issues/8/1-1/" in text(seen["sitemap items"])
    assert seen["api search"].json()["count"] == 1


def test_unpublishing_takes_the_issue_off_every_surface_at_once(client, issues):
    urls = surfaces()
    cache_everything(client, urls)

    editorial.unpublish(issues[1])

    seen = read(client, urls)
    assert seen["issue"].status_code == seen["item"].status_code == 404
    assert seen["api issue"].status_code == 404
    for name in ["home", "archive", "issues feed", "api issues"]:
        assert "七号刊" not in text(seen[name]) and "六号刊" in text(seen[name]), name
    assert "/issues/7/" not in text(seen["sitemap"])
    assert "半导体 第 1 条" not in text(seen["issues feed"])


def test_a_scheduled_issue_shows_everywhere_the_moment_its_time_comes(client, issues, monkeypatch):
    draft = quantum_draft()
    go_live = ON_THE_MINUTE + timedelta(hours=3)
    editorial.schedule(draft, go_live)
    urls = surfaces(8)
    cache_everything(client, urls)
    assert "量子专刊" not in text(client.get("/"))

    monkeypatch.setattr(timezone, "now", lambda: go_live)  # no cron, no worker: the clock

    seen = read(client, urls)
    for name in ["home", "issue", "archive", "issues feed", "api issues", "api issue"]:
        assert "量子专刊" in text(seen[name]), name
    assert "/issues/8/" in text(seen["sitemap"])


def test_a_revert_shows_the_earlier_version_everywhere_at_once(client, admin_client, issues):
    newest = issues[1]
    save_in_compose_screen(admin_client, newest, **{"sections-0-items-0-title": "量子卫星上天"})
    urls = surfaces()
    cache_everything(client, urls)

    first = revisions_of(newest)[-1]
    revert_to(newest, first, user=None)

    seen = read(client, urls)
    for name in [*SHOWING_ITEMS, "item", "search"]:
        assert "量子卫星上天" not in text(seen[name]), name
    assert f"{SLUG} 第 1 条新闻" in text(seen["issue"])
    assert seen["api search"].json()["count"] == 0


def test_a_reimport_shows_the_imported_text_everywhere_at_once(
    client, admin_client, legacy_sample_path
):
    call_command("import_legacy", str(legacy_sample_path), "--date", "2024-03-25", verbosity=0)
    issue = Issue.objects.get(source_hash__gt="")
    issue.published_at = ON_THE_MINUTE
    editorial.publish(issue)
    item = Item.objects.filter(section__issue=issue).order_by("section__position", "position")[0]
    original = item.title
    save_in_compose_screen(admin_client, issue, **{"sections-0-items-0-title": "量子卫星上天"})
    urls = {
        "home": "/",
        "issue": issue.get_absolute_url(),
        "item": item.get_absolute_url(),
        "api issue": reverse("bulletins:api_issue_detail", args=[issue.number]),
        "search": reverse("bulletins:search") + "?q=" + quote(WORD),
    }
    cache_everything(client, urls)
    assert "量子卫星上天" in text(client.get(urls["issue"]))

    call_command("import_legacy", str(legacy_sample_path), "--replace", verbosity=0)

    seen = read(client, urls)
    for name in ["home", "issue", "item", "api issue"]:
        assert original in text(seen[name]) and "量子卫星上天" not in text(seen[name]), name
    assert "量子卫星上天" not in text(seen["search"])


def test_a_new_or_removed_picture_shows_everywhere_at_once(client, admin_client, issues):
    urls = surfaces()
    cache_everything(client, urls)

    picture = {"sections-0-items-0-image": pictures.upload(pictures.photo_jpeg(), "wafer.jpg")}
    save_in_compose_screen(
        admin_client, issues[1], files=picture, **{"sections-0-items-0-image_alt": "量子芯片照片"}
    )
    name = Item.objects.get(section__issue=issues[1], section__position=1, position=1).image.name
    stem = name.rpartition("/")[2].rpartition(".")[0]

    seen = read(client, urls)
    for page in ["home", "issue", "item"]:
        assert stem in text(seen[page]) and "量子芯片照片" in text(seen[page]), page

    save_in_compose_screen(admin_client, issues[1], **{"sections-0-items-0-image-clear": "on"})

    seen = read(client, urls)
    for page in ["home", "issue", "item"]:
        assert stem not in text(seen[page]), page


def test_deleting_an_item_or_an_issue_removes_it_everywhere_at_once(client, admin_client, issues):
    urls = surfaces()
    cache_everything(client, urls)

    save_in_compose_screen(admin_client, issues[1], **{"sections-1-items-1-DELETE": "on"})

    seen = read(client, urls)
    for name in ["home", "issue", "issues feed", "api issue"]:
        assert "半导体 第 2 条新闻" not in text(seen[name]), name
        assert "半导体 第 1 条新闻" in text(seen[name]), name

    delete = reverse("admin:bulletins_issue_delete", args=[issues[1].pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302

    seen = read(client, urls)
    assert seen["issue"].status_code == seen["item"].status_code == 404
    for name in ["home", "archive", "issues feed", "api issues", "sitemap"]:
        assert "/issues/7/" not in text(seen[name]) and "七号刊" not in text(seen[name]), name


def test_editing_an_older_issue_refreshes_the_feed_and_pages_of_its_sections_slug(
    client, admin_client, issues
):
    older = issues[0]
    urls = surfaces()
    cache_everything(client, urls)

    save_in_compose_screen(admin_client, older, **{"sections-0-items-1-title": "量子通信旧闻"})

    seen = read(client, urls)
    for name in ["section", "section feed"]:
        assert "量子通信旧闻" in text(seen[name]), name
    assert "<mark>量子</mark>通信旧闻" in text(seen["search"])
    assert seen["api search"].json()["count"] == 1
