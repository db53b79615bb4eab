"""The import desk in a real browser, as an editor: choose files, check the preview, confirm."""

import io
import zipfile

from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from bulletins.models import Issue

from .browsing import pytestmark  # noqa: F401 (the browser tests' marks)
from .test_legacy_import_many import small_issue


def log_in_as_editor(page, live_server):
    group, _ = Group.objects.get_or_create(name="编辑")
    if not group.permissions.exists():
        group.permissions.set(Permission.objects.filter(content_type__app_label="bulletins"))
    user = User.objects.create_user("desk-editor", password="pw-for-tests", is_staff=True)
    user.groups.add(group)
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_an_editor_imports_a_zip_of_back_issues_from_the_preview_table(
    browser_page, live_server, legacy_sample_bytes, settings, tmp_path
):
    settings.LEGACY_IMPORT_SPOOL_DIR = tmp_path / "imports"
    Issue.objects.create(number=5, title="已有的一期")
    page = browser_page
    log_in_as_editor(page, live_server)
    page.goto(live_server.url + reverse("admin:bulletins_issue_changelist"))
    page.click("text=导入旧版期刊")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("第8期.txt", legacy_sample_bytes)
        archive.writestr("No.5.txt", small_issue("量子").encode())
        archive.writestr("copy.txt", legacy_sample_bytes.decode().encode("gb18030"))
        archive.writestr("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64))
    page.set_input_files(
        "input[type=file]",
        files=[
            {"name": "back-issues.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}
        ],
    )
    page.click("input[type=submit]")
    page.wait_for_selector("#legacy-batch-rows")
    table = page.locator("#legacy-batch-rows")
    assert table.locator("tbody tr").count() == 4
    sample_row = table.locator("#row-0")
    assert sample_row.locator("input[type=number]").input_value() == "8"
    assert sample_row.locator("input[type=date]").input_value() == "2024-02-22"
    assert "2 月 22 日消息" in sample_row.inner_text()
    taken_row = table.locator("tbody tr", has_text="No.5.txt")
    assert "已有的一期" in taken_row.inner_text()  # reported before confirming
    assert (
        "与上面的 第8期.txt 文本相同" in table.locator("tbody tr", has_text="copy.txt").inner_text()
    )
    assert "不是 .txt 文件" in table.locator("tbody tr", has_text="photo.png").inner_text()

    page.click("input[name=confirm]")  # No. 5 is taken: the table comes back with the error
    page.wait_for_selector(".errornote")
    taken_row = page.locator("#legacy-batch-rows tbody tr", has_text="No.5.txt")
    taken_row.locator("input[type=number]").fill("6")
    page.locator("#row-0 input[type=date]").fill("2024-02-26")
    page.click("input[name=confirm]")
    page.wait_for_selector("#legacy-batch-result")
    assert "已创建：2 · 已跳过：0 · 失败：0" in page.inner_text("#content-main")
    page.click("#legacy-batch-result >> text=第 8 期")
    page.wait_for_url("**/change/")
    issue = Issue.objects.get(number=8)
    assert str(issue.issue_date) == "2024-02-26" and issue.status == Issue.Status.DRAFT
    assert Issue.objects.get(number=6).sections.count() == 1
