"""The compose screen, driven through the admin as an editor without JavaScript would."""

from datetime import date

import pytest
from django.urls import reverse

from bulletins.models import BODY_MAX_LENGTH, Issue, Item, Section

from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:bulletins_issue_add")
LIST_URL = reverse("admin:bulletins_issue_changelist")


def change_url(issue):
    return reverse("admin:bulletins_issue_change", args=[issue.pk])


def new_issue_data(**overrides):
    data = {
        "number": "15",
        "title": "产业一周要闻",
        "issue_date": "2024-02-26",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "editors_note": "",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-0-position": "1",
        "sections-0-number": "1",
        "sections-0-title": "安全行业一周要闻",
        "sections-0-slug": "",
        "sections-0-items-TOTAL_FORMS": "2",
        "sections-0-items-INITIAL_FORMS": "0",
        "sections-0-items-0-position": "1",
        "sections-0-items-0-title": "某云服务配置错误致数据暴露",
        "sections-0-items-0-body": "第一段。\n第二段。",
        "sections-0-items-1-position": "2",
        "sections-0-items-1-title": "摄像头厂商再次出现隐私事故",
        "sections-0-items-1-body": "正文。",
        "sections-1-position": "2",
        "sections-1-number": "2",
        "sections-1-title": "半导体行业一周要闻",
        "sections-1-slug": "chips",
        "sections-1-items-TOTAL_FORMS": "1",
        "sections-1-items-INITIAL_FORMS": "0",
        "sections-1-items-0-position": "1",
        "sections-1-items-0-title": "新建晶圆厂数量创新高",
        "sections-1-items-0-body": "正文。",
    }
    for prefix in ("sections", "sections-0-items", "sections-1-items"):
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    data.update(overrides)
    return data


def outline(issue):
    return [
        (section.title, [item.title for item in section.items.order_by("position")])
        for section in issue.sections.order_by("position")
    ]


def test_editor_composes_a_whole_issue_on_one_screen(editor):
    assert editor.get(ADD_URL).status_code == 200
    response = editor.post(ADD_URL, new_issue_data())
    assert response.status_code == 302, response.context and response.context["errors"]
    issue = Issue.objects.get(number=15)
    assert issue.status == Issue.Status.DRAFT
    assert outline(issue) == [
        ("安全行业一周要闻", ["某云服务配置错误致数据暴露", "摄像头厂商再次出现隐私事故"]),
        ("半导体行业一周要闻", ["新建晶圆厂数量创新高"]),
    ]
    assert list(issue.sections.values_list("slug", flat=True)) == ["安全行业一周要闻", "chips"]


def test_editor_reorders_sections_and_items_by_typing_positions(editor):
    editor.post(ADD_URL, new_issue_data())
    issue = Issue.objects.get(number=15)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-position"], data["sections-1-position"] = "2", "1"
    data["sections-0-items-0-position"], data["sections-0-items-1-position"] = "2", "1"
    response = editor.post(change_url(issue), data)
    assert response.status_code == 302
    assert outline(issue) == [
        ("半导体行业一周要闻", ["新建晶圆厂数量创新高"]),
        ("安全行业一周要闻", ["摄像头厂商再次出现隐私事故", "某云服务配置错误致数据暴露"]),
    ]
    assert list(issue.sections.values_list("position", flat=True)) == [1, 2]


def test_editor_renames_and_deletes_on_the_same_screen(editor):
    editor.post(ADD_URL, new_issue_data())
    issue = Issue.objects.get(number=15)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-title"] = "网络安全一周要闻"
    data["sections-0-items-0-DELETE"] = "on"
    data["sections-1-DELETE"] = "on"
    assert editor.post(change_url(issue), data).status_code == 302
    assert outline(issue) == [("网络安全一周要闻", ["摄像头厂商再次出现隐私事故"])]
    assert issue.sections.get().items.get().position == 1


def test_editor_adds_an_item_without_a_position_and_it_goes_last(editor):
    editor.post(ADD_URL, new_issue_data())
    issue = Issue.objects.get(number=15)
    data = form_data(editor.get(change_url(issue)))
    data.update(
        {
            "sections-1-items-TOTAL_FORMS": "2",
            "sections-1-items-1-position": "",
            "sections-1-items-1-title": "补充的一条新闻",
            "sections-1-items-1-body": "正文。",
        }
    )
    assert editor.post(change_url(issue), data).status_code == 302
    assert outline(issue)[1] == ("半导体行业一周要闻", ["新建晶圆厂数量创新高", "补充的一条新闻"])


@pytest.mark.parametrize(
    "field, message",
    [
        ("sections-0-title", "每个栏目都需要标题"),
        ("sections-0-items-0-title", "每条新闻都需要标题"),
        ("sections-0-items-0-body", "每条新闻都需要正文"),
    ],
)
def test_missing_titles_and_bodies_are_clear_form_errors(editor, field, message):
    response = editor.post(ADD_URL, new_issue_data(**{field: ""}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Issue.objects.exists() and not Item.objects.exists()


def test_a_section_title_that_gives_no_slug_asks_the_editor_for_one(editor):
    response = editor.post(ADD_URL, new_issue_data(**{"sections-0-title": "★★★"}))
    assert response.status_code == 200
    assert "请填写标识：无法从这个标题生成。" in response.content.decode()
    assert not Issue.objects.exists()

    response = editor.post(
        ADD_URL, new_issue_data(**{"sections-0-title": "★★★", "sections-0-slug": "stars"})
    )
    assert response.status_code == 302
    assert Section.objects.filter(title="★★★", slug="stars").exists()


def test_a_body_over_the_length_limit_is_a_clear_form_error(editor):
    body = "很长的正文。" * (BODY_MAX_LENGTH // 6 + 1)
    response = editor.post(ADD_URL, new_issue_data(**{"sections-0-items-0-body": body}))
    assert response.status_code == 200
    assert f"不超过 {BODY_MAX_LENGTH} 字符" in response.content.decode()
    assert not Issue.objects.exists()


def test_duplicate_issue_number_is_a_clear_form_error(editor):
    make_issue(number=15)
    response = editor.post(ADD_URL, new_issue_data())
    assert response.status_code == 200
    assert "已有一期使用了这个期号" in response.content.decode()
    assert Issue.objects.count() == 1


def test_saving_as_published_without_a_time_publishes_now(editor):
    editor.post(ADD_URL, new_issue_data(status="published"))
    issue = Issue.objects.get(number=15)
    assert issue.is_public


def test_publish_action_publishes_now_and_keeps_a_scheduled_time(editor):
    draft = make_issue(status=Issue.Status.DRAFT, published_at=None, issue_date=date(2024, 3, 4))
    scheduled = make_issue(
        status=Issue.Status.DRAFT, published_at="future", issue_date=date(2024, 3, 11)
    )
    response = editor.post(
        LIST_URL, {"action": "publish", "_selected_action": [draft.pk, scheduled.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    scheduled.refresh_from_db()
    assert draft.is_public
    assert scheduled.is_scheduled


def test_unpublish_action_hides_the_issue_from_readers(editor, client):
    issue = make_issue()
    editor.post(LIST_URL, {"action": "unpublish", "_selected_action": [issue.pk]})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    client.logout()
    assert client.get(issue.get_absolute_url()).status_code == 404


def test_issue_list_shows_number_title_state_and_item_count(editor):
    make_issue(number=31, title="第三十一期", sections=[("A", 2), ("B", 3)])
    make_issue(number=32, title="排期中", published_at="future")
    html = editor.get(LIST_URL).content.decode()
    assert "第三十一期" in html
    assert '<td class="field-item_count">5</td>' in html
    assert "已排期" in html


def test_issue_list_filters_by_status_and_year_and_searches_titles(editor):
    from datetime import date

    make_issue(title="二三年", issue_date=date(2023, 5, 1))
    make_issue(title="二四年草稿", issue_date=date(2024, 5, 1), status="draft")
    assert "二三年" not in editor.get(LIST_URL, {"year": "2024"}).content.decode()
    assert "二四年草稿" not in editor.get(LIST_URL, {"status__exact": "published"}).content.decode()
    assert "二三年" in editor.get(LIST_URL, {"q": "二三"}).content.decode()


def test_view_on_site_links_drafts_to_their_preview(editor):
    draft = make_issue(status=Issue.Status.DRAFT, number=40)
    public = make_issue(number=41)
    assert (
        reverse("bulletins:issue_preview", args=[40])
        in editor.get(change_url(draft)).content.decode()
    )
    assert 'href="/issues/41/"' in editor.get(change_url(public)).content.decode()


def test_preview_shows_a_draft_to_staff_with_a_banner_and_is_never_cached(editor):
    draft = make_issue(status=Issue.Status.DRAFT, title="尚未发布的一期")
    response = editor.get(draft.get_preview_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "草稿预览" in html and "尚未发布的一期" in html
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_preview_is_refused_to_readers(client):
    draft = make_issue(status=Issue.Status.DRAFT)
    response = client.get(draft.get_preview_url())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_section_and_item_counts_stay_whole_after_failed_save(editor):
    editor.post(ADD_URL, new_issue_data())
    issue = Issue.objects.get(number=15)
    data = form_data(editor.get(change_url(issue)))
    data["sections-0-items-0-position"] = "5"
    data["sections-1-items-0-title"] = ""
    assert editor.post(change_url(issue), data).status_code == 200
    assert Section.objects.count() == 2
    assert list(Item.objects.order_by("pk").values_list("position", flat=True)) == [1, 2, 1]


def png_upload(name="chip.png"):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_an_image_needs_a_description_for_readers_who_cannot_see_it(editor):
    data = new_issue_data(**{"sections-0-items-0-image": png_upload()})
    response = editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert "请为看不到图片的读者描述这张图片" in response.content.decode()
    assert not Issue.objects.exists()


def test_an_item_image_is_shown_to_readers_with_its_description(editor, client):
    data = new_issue_data(
        status="published",
        **{
            "sections-0-items-0-image": png_upload(),
            "sections-0-items-0-image_alt": "一块红色的芯片",
        },
    )
    assert editor.post(ADD_URL, data).status_code == 302
    item = Item.objects.get(title="某云服务配置错误致数据暴露")
    assert item.image.name.endswith(".png")
    html = client.get(item.get_absolute_url()).content.decode()
    share = item.image_renditions["share"]["name"]
    assert f'<img src="/media/{share}" alt="一块红色的芯片"' in html
