"""The admin's legacy import: upload, preview, confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bulletins.models import Issue, Item

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:bulletins_issue_import_legacy")


def upload(client, data, name="issue.txt", **fields):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data), **fields})


def test_issue_list_has_an_import_button(editor):
    html = editor.get(reverse("admin:bulletins_issue_changelist")).content.decode()
    assert IMPORT_URL in html and "导入旧版期刊" in html


def test_upload_shows_a_preview_and_saves_nothing(editor, legacy_sample_bytes):
    response = upload(editor, legacy_sample_bytes)
    html = response.content.decode()
    assert response.status_code == 200
    assert "半导体行业一周要闻" in html
    assert "Intel 代工正式成立：宣布八大全新制造工艺" in html
    assert "第 502 行" in html  # the warning, with its line
    assert not Issue.objects.exists()


def test_confirming_the_preview_creates_the_draft(editor, legacy_sample_bytes):
    preview = upload(editor, legacy_sample_bytes, number="21", issue_date="2024-02-26")
    response = editor.post(IMPORT_URL, {"confirm": "1", "token": preview.context["token"]})
    issue = Issue.objects.get(number=21)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:bulletins_issue_change", args=[issue.pk])
    assert issue.status == Issue.Status.DRAFT and str(issue.issue_date) == "2024-02-26"
    assert Item.objects.count() == 29


def test_a_second_upload_of_the_same_file_points_to_the_first_import(editor, legacy_sample_bytes):
    preview = upload(editor, legacy_sample_bytes)
    editor.post(IMPORT_URL, {"confirm": "1", "token": preview.context["token"]})
    html = upload(editor, legacy_sample_bytes).content.decode()
    assert "已导入为第 1 期" in html
    assert 'name="confirm"' not in html
    assert Issue.objects.count() == 1


def test_a_bad_file_gets_a_clear_message(editor):
    html = upload(editor, b"\x89PNG\r\n\x1a\n" + bytes(100), name="photo.txt").content.decode()
    assert "photo.txt" in html and "PNG" in html
    assert not Issue.objects.exists()


def test_a_file_over_the_limit_gets_a_clear_message(editor, settings):
    settings.LEGACY_IMPORT_MAX_BYTES = 100
    html = upload(editor, "1 栏目\n".encode() * 100).content.decode()
    assert "最大可导入" in html
    assert not Issue.objects.exists()


def test_a_stale_confirmation_is_refused(editor):
    response = editor.post(IMPORT_URL, {"confirm": "1", "token": "forged"}, follow=True)
    assert "已过期" in response.content.decode()
    assert not Issue.objects.exists()


def test_readers_cannot_reach_the_import_screen(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
