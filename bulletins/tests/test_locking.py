"""Nothing lost: a save over someone else's newer save is refused, and the editor keeps theirs."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from bulletins.history import record_revision
from bulletins.models import Issue, Item

from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db


def change_url(issue):
    return reverse("admin:bulletins_issue_change", args=[issue.pk])


def logged_in(username):
    user = User.objects.create_superuser(username, password="pw")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_editors():
    return logged_in("wang"), logged_in("li")


@pytest.fixture
def issue():
    issue = make_issue(number=8, sections=[("安全行业一周要闻", 3)])
    record_revision(issue, summary="新建")  # as the compose screen does when it creates one
    return issue


def test_the_second_of_two_saves_is_refused_and_overwrites_nothing(two_editors, issue):
    wang, li = two_editors
    wang_form = form_data(wang.get(change_url(issue)))
    li_form = form_data(li.get(change_url(issue)))  # both have the screen open

    wang_form["sections-0-items-0-title"] = "王改的标题"
    assert wang.post(change_url(issue), wang_form).status_code == 302

    li_form["sections-0-items-0-title"] = "李改的标题"
    li_form["sections-0-items-1-body"] = "李改的正文。"
    response = li.post(change_url(issue), li_form)

    assert response.status_code == 200
    first = Item.objects.get(section__issue=issue, position=1)
    second = Item.objects.get(section__issue=issue, position=2)
    assert first.title == "王改的标题"
    assert second.body != "李改的正文。"
    html = response.content.decode()
    assert "wang" in html and "保存了它" in html
    assert "你的修改尚未保存，对方的修改也没有被覆盖" in html
    assert "请更正" not in html  # there is nothing to correct: the box says what to do
    # Li's own edits come back in the form, untouched.
    again = form_data(response)
    assert again["sections-0-items-0-title"] == "李改的标题"
    assert again["sections-0-items-1-body"] == "李改的正文。"


def test_the_refusal_links_to_what_the_other_editor_changed(two_editors, issue):
    wang, li = two_editors
    li_form = form_data(li.get(change_url(issue)))
    wang_form = form_data(wang.get(change_url(issue)))
    wang_form["title"] = "王改的期刊标题"
    wang.post(change_url(issue), wang_form)

    response = li.post(change_url(issue), {**li_form, "title": "李的期刊标题"})

    conflict = response.context["conflict"]
    assert conflict["current_url"] == change_url(issue)
    compare = li.get(conflict["compare_url"]).content.decode()
    assert "王改的期刊标题" in compare


def test_the_editor_may_then_save_their_version_over_theirs(two_editors, issue):
    wang, li = two_editors
    li_form = form_data(li.get(change_url(issue)))
    wang.post(change_url(issue), {**form_data(wang.get(change_url(issue))), "title": "王"})
    refused = li.post(change_url(issue), {**li_form, "title": "李"})

    confirmed = {**form_data(refused), "overwrite": "on"}
    assert li.post(change_url(issue), confirmed).status_code == 302

    assert Issue.objects.get(pk=issue.pk).title == "李"


def test_an_overwrite_confirmed_for_an_older_save_is_refused_again(two_editors, issue):
    wang, li = two_editors
    li_form = form_data(li.get(change_url(issue)))
    wang.post(change_url(issue), {**form_data(wang.get(change_url(issue))), "title": "王一"})
    refused = li.post(change_url(issue), {**li_form, "title": "李"})
    wang.post(change_url(issue), {**form_data(wang.get(change_url(issue))), "title": "王二"})

    response = li.post(change_url(issue), {**form_data(refused), "overwrite": "on"})

    assert response.status_code == 200
    assert Issue.objects.get(pk=issue.pk).title == "王二"


def test_one_editor_saving_twice_in_a_row_is_never_refused(two_editors, issue):
    wang, _ = two_editors
    for title in ("第一次", "第二次"):
        data = {**form_data(wang.get(change_url(issue))), "title": title}
        assert wang.post(change_url(issue), data).status_code == 302
    assert Issue.objects.get(pk=issue.pk).title == "第二次"


def test_a_publish_action_after_the_screen_was_opened_refuses_the_stale_save(two_editors):
    wang, li = two_editors
    from datetime import date

    issue = make_issue(
        number=9, status=Issue.Status.DRAFT, published_at=None, issue_date=date(2024, 3, 4)
    )
    li_form = form_data(li.get(change_url(issue)))
    wang.post(
        reverse("admin:bulletins_issue_changelist"),
        {"action": "publish", "_selected_action": [issue.pk]},
    )

    assert li.post(change_url(issue), li_form).status_code == 200
    assert Issue.objects.get(pk=issue.pk).is_public


def test_saving_over_theirs_keeps_the_items_and_sections_they_added_in_order(two_editors, issue):
    wang, li = two_editors
    li_form = form_data(li.get(change_url(issue)))
    wang_form = form_data(wang.get(change_url(issue)))
    # Wang adds an item to the section and a new section with one item, and saves first.
    wang_form.update(
        {
            "sections-0-items-3-title": "王加的新闻",
            "sections-0-items-3-body": "王加的正文。",
            "sections-1-title": "王加的栏目",
            "sections-1-slug": "wang-lan-mu",
            "sections-1-items-0-title": "王加栏目里的新闻",
            "sections-1-items-0-body": "正文。",
        }
    )
    assert wang.post(change_url(issue), wang_form).status_code == 302

    # Li, shown the conflict, saves their version over Wang's: a reordered section.
    li_form["sections-0-items-2-position"] = "1"
    refused = li.post(change_url(issue), li_form)
    assert refused.status_code == 200
    response = li.post(change_url(issue), {**form_data(refused), "overwrite": "on"})

    assert response.status_code == 302
    sections = list(issue.sections.order_by("position").values_list("position", "title"))
    assert sections == [(1, "安全行业一周要闻"), (2, "王加的栏目")]
    items = list(
        Item.objects.filter(section__issue=issue)
        .order_by("section__position", "position")
        .values_list("section__position", "position", "title")
    )
    assert items == [
        (1, 1, "安全行业一周要闻 第 3 条新闻"),
        (1, 2, "安全行业一周要闻 第 1 条新闻"),
        (1, 3, "安全行业一周要闻 第 2 条新闻"),
        (1, 4, "王加的新闻"),
        (2, 1, "王加栏目里的新闻"),
    ]


def test_saving_over_theirs_keeps_what_they_changed_and_the_editor_did_not(two_editors, issue):
    wang, li = two_editors
    li_form = form_data(li.get(change_url(issue)))
    wang_form = form_data(wang.get(change_url(issue)))
    wang_form["title"] = "王改的期刊标题"
    wang_form["sections-0-items-0-body"] = "王改的正文。"
    wang_form["sections-0-items-1-title"] = "王改的第二条"
    assert wang.post(change_url(issue), wang_form).status_code == 302

    li_form["sections-0-items-1-title"] = "李改的第二条"  # both changed it: Li confirms, Li wins
    li_form["sections-0-items-2-source"] = "李加的来源"
    refused = li.post(change_url(issue), li_form)
    confirmed = {**form_data(refused), "overwrite": "on"}
    assert li.post(change_url(issue), confirmed).status_code == 302

    issue.refresh_from_db()
    assert issue.title == "王改的期刊标题"
    first, second, third = Item.objects.filter(section__issue=issue).order_by("position")
    assert first.body == "王改的正文。"
    assert second.title == "李改的第二条"
    assert third.source == "李加的来源"


def test_the_refusal_says_when_the_other_editor_saved(two_editors, issue):
    from django.utils import timezone

    from bulletins.history import latest_revision

    wang, li = two_editors
    li_form = form_data(li.get(change_url(issue)))
    wang.post(change_url(issue), {**form_data(wang.get(change_url(issue))), "title": "王"})
    saved_at = timezone.localtime(latest_revision(issue).date_created)

    html = li.post(change_url(issue), {**li_form, "title": "李"}).content.decode()

    assert f"wang 于 {saved_at:%Y-%m-%d %H:%M:%S} 保存了它" in html


def test_a_change_that_left_no_history_is_still_refused_and_said_when(two_editors, issue):
    from datetime import timedelta

    from django.utils import timezone
    from reversion.models import Version

    _, li = two_editors
    li_form = form_data(li.get(change_url(issue)))
    changed_at = timezone.now() + timedelta(seconds=5)
    Issue.objects.filter(pk=issue.pk).update(title="别处改的", updated_at=changed_at)
    Version.objects.all().delete()  # as for an issue older than its history

    html = li.post(change_url(issue), {**li_form, "title": "李"}).content.decode()

    assert f"有人于 {timezone.localtime(changed_at):%Y-%m-%d %H:%M:%S} 保存了它" in html
    assert Issue.objects.get(pk=issue.pk).title == "别处改的"


@pytest.mark.django_db(transaction=True)
def test_a_save_that_starts_while_another_is_being_written_waits_for_it_and_is_refused(
    two_editors, issue
):
    """Two saves at the same moment: the second reads the version only once the first is
    committed, so it cannot slip past the check and overwrite it (PostgreSQL's row lock)."""
    import threading
    import time

    from django.db import connection, transaction
    from django.utils import timezone

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time (IMMEDIATE) anyway")
    _, li = two_editors
    li_form = form_data(li.get(change_url(issue)))
    writing = threading.Event()

    def wangs_save_being_written():
        try:
            with transaction.atomic():
                Issue.objects.filter(pk=issue.pk).update(title="王", updated_at=timezone.now())
                writing.set()
                time.sleep(3)
        finally:
            connection.close()

    other = threading.Thread(target=wangs_save_being_written)
    other.start()
    writing.wait()
    try:
        response = li.post(change_url(issue), {**li_form, "title": "李"})
    finally:
        other.join()

    assert response.status_code == 200
    assert "你的修改尚未保存，对方的修改也没有被覆盖" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).title == "王"
