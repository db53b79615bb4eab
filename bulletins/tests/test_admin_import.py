"""The admin's import desk: upload many files, preview them as a table, confirm, see the result."""

import os
import time
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.urls import reverse

from bulletins.legacy import spool
from bulletins.models import Issue, Item

from .desk import UPLOAD_URL, batch_url, confirm, rows, text_of, upload
from .legacy_render import render
from .test_legacy_import_many import small_issue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spool(settings, tmp_path):
    settings.LEGACY_IMPORT_SPOOL_DIR = tmp_path / "imports"
    return settings.LEGACY_IMPORT_SPOOL_DIR


def kept_files(folder):
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


def test_issue_list_has_an_import_button(editor):
    html = editor.get(reverse("admin:bulletins_issue_changelist")).content.decode()
    assert UPLOAD_URL in html and "导入旧版期刊" in html


def test_the_preview_shows_each_file_with_its_counts_and_saves_nothing(editor, legacy_sample_bytes):
    response = upload(editor, ("sample.txt", legacy_sample_bytes))
    assert response.status_code == 200
    row = rows(response)["sample.txt"]
    assert (row["sections"], row["items"]) == (7, 29)
    text = text_of(response)
    assert "Intel 代工正式成立：宣布八大全新制造工艺" in text  # the contents, by headline
    assert "第 502 行" in text  # the warning, with its line
    assert not Issue.objects.exists()


def test_the_preview_suggests_the_date_with_its_evidence(editor, legacy_sample_bytes):
    response = upload(editor, ("sample.txt", legacy_sample_bytes))
    row = rows(response)["sample.txt"]
    assert row["date"] == "2024-02-22"
    assert row["form"]["issue_date"].value() == "2024-02-22"
    text = text_of(response)
    assert (
        "2024-02-22" in text and "2 月 22 日消息" in text and "谷歌发布全球最强开源大模型" in text
    )


def test_a_text_without_dates_gets_no_suggested_date(editor):
    response = upload(editor, ("量子.txt", small_issue("量子").encode()))
    assert rows(response)["量子.txt"]["date"] is None
    assert rows(response)["量子.txt"]["form"]["issue_date"].value() is None


def test_confirming_creates_drafts_and_lists_them_with_links(editor, legacy_sample_bytes):
    preview = upload(
        editor, ("sample.txt", legacy_sample_bytes), ("q.txt", small_issue("量子").encode())
    )
    result = confirm(editor, preview, {"sample.txt": (21, "2024-02-26"), "q.txt": (22, "")})
    sample, other = Issue.objects.get(number=21), Issue.objects.get(number=22)
    assert sample.status == Issue.Status.DRAFT and str(sample.issue_date) == "2024-02-26"
    assert other.issue_date is None
    assert Item.objects.filter(section__issue=sample).count() == 29
    html = result.content.decode()
    assert "已创建：2 · 已跳过：0 · 失败：0" in text_of(result)
    for issue in (sample, other):
        assert reverse("admin:bulletins_issue_change", args=[issue.pk]) in html


def test_only_the_ticked_rows_are_imported(editor):
    preview = upload(
        editor, ("a.txt", small_issue("量子").encode()), ("b.txt", small_issue("卫星").encode())
    )
    confirm(editor, preview, {"b.txt": (5, "")})
    assert list(Issue.objects.values_list("number", flat=True)) == [5]


def test_a_number_in_the_file_name_is_proposed(editor):
    preview = upload(
        editor,
        ("第123期.txt", small_issue("量子").encode()),
        ("x.txt", small_issue("卫星").encode()),
    )
    assert rows(preview)["第123期.txt"]["form"]["number"].value() == 123
    assert rows(preview)["x.txt"]["form"]["number"].value() == 1  # the next free one
    assert "取自文件名" in text_of(preview)


def test_a_taken_number_is_reported_in_the_preview_before_confirming(editor):
    Issue.objects.create(number=5, title="已有的一期")
    preview = upload(editor, ("No.5.txt", small_issue("量子").encode()))
    assert rows(preview)["No.5.txt"]["taken_by"].number == 5
    assert "已有的一期" in text_of(preview)


def test_an_error_at_confirmation_keeps_the_files_and_the_choices(editor, _spool):
    Issue.objects.create(number=5, title="已有的一期")
    preview = upload(
        editor, ("a.txt", small_issue("量子").encode()), ("b.txt", small_issue("卫星").encode())
    )
    again = confirm(editor, preview, {"a.txt": (5, "2024-02-26"), "b.txt": (6, "2024-13-01")})
    assert again.status_code == 200 and not again.redirect_chain
    errors = {name: row["form"].errors for name, row in rows(again).items()}
    assert "已有的一期" in str(errors["a.txt"]["number"])
    assert "issue_date" in errors["b.txt"]
    assert rows(again)["a.txt"]["form"]["issue_date"].value() == "2024-02-26"  # kept as typed
    assert Issue.objects.count() == 1
    done = confirm(editor, again, {"a.txt": (7, "2024-02-26"), "b.txt": (6, "")})
    assert done.redirect_chain[-1][0].endswith("/done/")
    assert set(Issue.objects.values_list("number", flat=True)) == {5, 6, 7}


def test_two_rows_with_one_number_are_refused(editor):
    preview = upload(
        editor, ("a.txt", small_issue("量子").encode()), ("b.txt", small_issue("卫星").encode())
    )
    again = confirm(editor, preview, {"a.txt": (9, ""), "b.txt": (9, "")})
    assert "number" in rows(again)["b.txt"]["form"].errors
    assert not Issue.objects.exists()


def test_a_copy_in_another_encoding_is_already_imported_and_can_replace(editor, legacy_sample_text):
    first = upload(editor, ("utf8.txt", legacy_sample_text.encode()))
    confirm(editor, first, {"utf8.txt": (3, "")})
    Item.objects.filter(position=1).update(title="被编辑改过的标题")
    preview = upload(editor, ("gb.txt", legacy_sample_text.encode("gb18030")))
    row = rows(preview)["gb.txt"]
    assert row["imported"].number == 3 and row["form"]["selected"].value() is False
    assert "已导入为第 3 期" in text_of(preview)
    confirm(editor, preview, {"gb.txt": (3, "")})  # ticked: import it again into No. 3
    assert Issue.objects.count() == 1 and Item.objects.count() == 29
    assert not Item.objects.filter(title="被编辑改过的标题").exists()


def test_the_same_text_twice_in_one_batch_is_imported_once(editor, legacy_sample_text):
    preview = upload(
        editor,
        ("a.txt", legacy_sample_text.encode()),
        ("b.txt", legacy_sample_text.encode("utf-16")),
    )
    assert rows(preview)["b.txt"]["duplicate_of"] == rows(preview)["a.txt"]["n"]
    b = rows(preview)["b.txt"]["n"]
    assert f'name="row-{b}-selected"' not in preview.content.decode()  # no checkbox
    result = confirm(editor, preview, {"a.txt": (1, "")})
    assert Issue.objects.count() == 1 and "已创建：1" in text_of(result)


def test_a_bad_file_fails_alone_with_its_reason(editor):
    preview = upload(
        editor,
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(100)),
        ("prose.txt", "一段没有栏目的文字。\n".encode()),
        ("q.txt", small_issue("量子").encode()),
    )
    text = text_of(preview)
    assert "PNG" in rows(preview)["photo.txt"]["error"]
    assert "栏目" in rows(preview)["prose.txt"]["error"]
    assert rows(preview)["q.txt"]["error"] is None
    confirm(editor, preview, {"q.txt": (1, "")})
    assert Issue.objects.count() == 1
    assert "photo.txt" in text


def test_the_default_limit_is_five_megabytes_a_file(editor, settings):
    assert settings.LEGACY_IMPORT_MAX_BYTES == 5 * 1024 * 1024
    preview = upload(
        editor, ("big.txt", b"a" * (5 * 1024 * 1024 + 1)), ("q.txt", small_issue("量子").encode())
    )
    assert "5.0 MB" in rows(preview)["big.txt"]["error"]
    assert rows(preview)["q.txt"]["error"] is None


def test_the_batch_is_kept_in_files_of_the_session_not_in_the_session_row(editor, _spool):
    body = "据悉，" + "这是一段较长的正文，用来把文件撑大到一点七五兆字节。" * 220
    titles = [f"第{n}条长篇新闻" for n in range(1, 101)]
    text = render([(1, "安全行业一周要闻", titles, [(t, body) for t in titles])], width=30)
    assert len(text.encode()) > 1.75 * 1024 * 1024
    preview = upload(editor, ("big.txt", text.encode()))
    assert rows(preview)["big.txt"]["items"] == 100
    [session] = Session.objects.all()
    assert len(session.session_data) < 1000
    assert "manifest.json" in kept_files(_spool)
    confirm(editor, preview, {"big.txt": (1, "")})
    assert kept_files(_spool) == ["result.json"]  # the data went with the import


def test_another_editor_cannot_reach_someone_elses_batch(editor, client):
    preview = upload(editor, ("q.txt", small_issue("量子").encode()))
    url = batch_url(preview)
    other = User.objects.create_superuser("chief", password="pw")
    client.force_login(other)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == UPLOAD_URL
    assert client.get(url + "done/").status_code == 302


@pytest.mark.parametrize("token", ["AAAAAAAAAAAAAAAAAAAAAA", "..", "x" * 300, "a.b"])
def test_a_forged_token_is_sent_back_to_the_upload(editor, token):
    response = editor.get(f"{UPLOAD_URL}{token}/", follow=True)
    assert response.redirect_chain[-1][0] == UPLOAD_URL
    assert "不再保留" in text_of(response)


def test_a_batch_older_than_a_day_is_gone(editor, _spool):
    preview = upload(editor, ("q.txt", small_issue("量子").encode()))
    [folder] = [path for path in _spool.glob("*/*") if path.is_dir()]
    old = time.time() - spool.MAX_AGE - 60
    os.utime(folder, (old, old))
    assert editor.get(batch_url(preview)).status_code == 302
    assert folder.exists()
    editor.get(UPLOAD_URL)  # opening the desk sweeps what is older than a day
    assert not folder.exists()


def test_confirming_twice_imports_once(editor):
    preview = upload(editor, ("q.txt", small_issue("量子").encode()))
    confirm(editor, preview, {"q.txt": (4, "")})
    again = confirm(editor, preview, {"q.txt": (4, "")})
    assert again.redirect_chain[-1][0].endswith("/done/")
    assert Issue.objects.count() == 1


def test_a_long_batch_stops_within_the_time_budget_and_goes_on(editor, settings):
    settings.LEGACY_IMPORT_REQUEST_SECONDS = 0
    files = [(f"{word}.txt", small_issue(word).encode()) for word in ("量子", "卫星", "芯片")]
    preview = upload(editor, *files)
    result = confirm(editor, preview, {name: (n, "") for n, (name, _) in enumerate(files, 1)})
    assert Issue.objects.count() == 1
    assert result.context["remaining"] == 2
    url = result.redirect_chain[-1][0].removesuffix("done/")
    for _ in range(2):
        result = editor.post(url, {"continue": "1"}, follow=True)
    assert Issue.objects.count() == 3 and result.context["remaining"] == 0
    assert "已创建：3" in text_of(result)


def test_readers_cannot_reach_the_import_desk(client):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_the_right_to_add_issues_are_refused(client):
    user = User.objects.create_user("intern", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(UPLOAD_URL).status_code == 403


def test_an_old_issue_imported_and_published_does_not_take_the_front_page(
    editor, client, legacy_sample_bytes
):
    from bulletins import editorial

    from .factories import make_issue

    make_issue(number=3, title="本周的一期", issue_date=date(2024, 6, 3))
    assert "本周的一期" in client.get("/").content.decode()
    preview = upload(editor, ("第120期.txt", legacy_sample_bytes))
    assert rows(preview)["第120期.txt"]["date"] == "2024-02-22"  # its own date, suggested
    confirm(editor, preview, {"第120期.txt": (120, "2024-02-22")})
    old = Issue.objects.get(number=120)
    editorial.publish(old)
    assert old.is_public
    front = client.get("/").content.decode()
    assert "本周的一期" in front and "Intel 代工正式成立" not in front
