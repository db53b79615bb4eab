"""The import desk with a .zip archive, and hostile archives: bombs, escaping names, junk."""

import io
import zipfile

import pytest

from bulletins.models import Issue

from .desk import UPLOAD_URL, confirm, make_zip, rows, text_of, upload
from .test_legacy_import_many import small_issue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spool(settings, tmp_path):
    settings.LEGACY_IMPORT_SPOOL_DIR = tmp_path / "imports"
    return settings.LEGACY_IMPORT_SPOOL_DIR


def form_error(response):
    assert not response.redirect_chain, "the upload should have been refused"
    return " ".join(str(error) for error in response.context["form"].errors.values())


def test_a_zip_of_issues_is_previewed_file_by_file_and_imported(editor, legacy_sample_bytes):
    archive = make_zip(
        [
            ("2024/第8期.txt", legacy_sample_bytes),
            ("2024/量子.txt", small_issue("量子").encode("gb18030")),
            ("__MACOSX/2024/._第8期.txt", b"\x00\x05\x16\x07junk"),
            (".DS_Store", b"\x00\x00\x00\x01Bud1"),
        ]
    )
    preview = upload(editor, ("archive.zip", archive))
    found = rows(preview)
    assert set(found) == {"2024/第8期.txt", "2024/量子.txt"}  # the archiver's junk is skipped
    assert found["2024/第8期.txt"]["form"]["number"].value() == 8
    result = confirm(editor, preview, {"2024/第8期.txt": (8, ""), "2024/量子.txt": (9, "")})
    assert "已创建：2" in text_of(result)
    assert sorted(Issue.objects.values_list("number", flat=True)) == [8, 9]


def test_names_written_in_gbk_by_chinese_archivers_are_read_right(editor):
    archive = make_zip([("周讯第12期.txt", small_issue("量子").encode())], utf8_names=False)
    found = rows(upload(editor, ("archive.zip", archive)))
    assert list(found) == ["周讯第12期.txt"]
    assert found["周讯第12期.txt"]["form"]["number"].value() == 12


def test_entries_that_are_not_text_fail_alone_with_a_reason(editor):
    inner = make_zip([("a.txt", b"hello")])
    archive = make_zip(
        [
            ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
            ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(100)),
            ("more.zip", inner),
            ("ok.txt", small_issue("量子").encode()),
        ]
    )
    found = rows(upload(editor, ("archive.zip", archive)))
    assert "不是 .txt 文件" in found["photo.png"]["error"]
    assert "不是 .txt 文件" in found["more.zip"]["error"]
    assert "PNG" in found["photo.txt"]["error"]
    assert found["ok.txt"]["error"] is None


@pytest.mark.parametrize(
    "name, reason",
    [
        ("../../etc/cron.d/evil.txt", "指向压缩包之外"),
        ("/etc/evil.txt", "绝对路径"),
        ("C:\\evil.txt", "绝对路径"),
        ("a/../../evil.txt", "指向压缩包之外"),
    ],
)
def test_entries_whose_names_lead_out_of_the_archive_are_refused(editor, name, reason, _spool):
    archive = make_zip(
        [(name, small_issue("量子").encode()), ("ok.txt", small_issue("卫星").encode())]
    )
    found = rows(upload(editor, ("archive.zip", archive)))
    assert reason in found[name]["error"]
    assert found["ok.txt"]["error"] is None
    kept = [path.name for path in _spool.rglob("*")]
    assert "evil.txt" not in kept


def test_a_zip_bomb_is_refused_without_being_unpacked(editor):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # 200 MB of zeros in about 200 KB: refused from its header, never unpacked.
        with archive.open("bomb.txt", "w", force_zip64=True) as entry:
            block = bytes(1024 * 1024)
            for _ in range(200):
                entry.write(block)
        # 4 MB (under the 5 MB limit) of one letter: a ratio no text has.
        archive.writestr("dense.txt", b"a" * (4 * 1024 * 1024))
        archive.writestr("ok.txt", small_issue("量子").encode())
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    found = rows(upload(editor, ("bomb.zip", data)))
    assert "超过 5.0 MB 的上限" in found["bomb.txt"]["error"]
    assert "zip 炸弹" in found["dense.txt"]["error"]
    assert found["ok.txt"]["error"] is None


def test_an_encrypted_entry_is_refused(editor):
    data = bytearray(
        make_zip([("secret.txt", b"x" * 100), ("ok.txt", small_issue("量子").encode())])
    )
    central = data.index(b"PK\x01\x02")  # the directory entry of secret.txt
    data[central + 8] |= 0x1  # its "encrypted" flag
    found = rows(upload(editor, ("a.zip", bytes(data))))
    assert "已加密" in found["secret.txt"]["error"]


def test_an_empty_zip_is_refused_clearly(editor):
    response = upload(editor, ("empty.zip", make_zip([])))
    assert "压缩包 empty.zip 中没有文件" in form_error(response)
    junk_only = upload(editor, ("junk.zip", make_zip([("__MACOSX/._a.txt", b"x")])))
    assert "中没有文件" in form_error(junk_only)


def test_a_damaged_zip_is_refused_clearly(editor):
    data = make_zip([("a.txt", small_issue("量子").encode())])
    response = upload(editor, ("broken.zip", data[:40]))
    assert "不是可读取的 ZIP 压缩包" in form_error(response)
    assert "broken.zip" in form_error(response)


def test_an_archive_over_the_limit_is_refused(editor, settings):
    settings.LEGACY_IMPORT_MAX_ARCHIVE_BYTES = 1000
    data = make_zip([(f"{n}.txt", small_issue(f"第{n}").encode()) for n in range(1, 6)])
    assert "最大可导入 0.0 MB" in form_error(upload(editor, ("big.zip", data)))


def test_an_archive_of_too_many_files_is_refused(editor, settings):
    settings.LEGACY_IMPORT_MAX_ARCHIVE_FILES = 3
    data = make_zip([(f"{n}.txt", b"x") for n in range(4)])
    assert "有 4 个文件，一次最多可导入 3 个" in form_error(upload(editor, ("many.zip", data)))


def test_files_past_the_batch_limit_are_not_read(editor, settings):
    settings.LEGACY_IMPORT_MAX_BATCH_BYTES = 1500
    issue = small_issue("量子").encode()
    assert len(issue) <= 1500 < 2 * len(issue)
    data = make_zip([("a.txt", issue), ("b.txt", small_issue("卫星").encode())])
    found = rows(upload(editor, ("batch.zip", data)))
    assert found["a.txt"]["error"] is None
    assert "请在另一批中导入" in found["b.txt"]["error"]


def test_a_zip_and_text_files_together_are_refused(editor):
    data = make_zip([("a.txt", small_issue("量子").encode())])
    response = upload(editor, ("a.zip", data), ("b.txt", small_issue("卫星").encode()))
    assert "不要同时上传两种" in form_error(response)


def test_an_upload_without_files_asks_for_them(editor):
    response = editor.post(UPLOAD_URL, {})
    assert response.status_code == 200 and response.context["form"].errors["files"]
