"""Importing legacy files into the database, and exporting issues back out."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletins.legacy import parse_legacy
from bulletins.legacy.exporter import issue_for_export, issue_to_dict, issue_to_text
from bulletins.models import BODY_MAX_LENGTH, Issue, Item, Section

from .legacy_expected import SAMPLE_SECTIONS

pytestmark = pytest.mark.django_db


def run(*args):
    """Run a management command; return (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        status = 0
    except CommandError as error:
        status = error.returncode
        err.write(str(error))
    return status, out.getvalue(), err.getvalue()


def json_lines(output):
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_sample_imports_as_a_draft_with_every_item_whole(legacy_sample_path):
    status, out, _ = run("import_legacy", str(legacy_sample_path), "--date", "2024-02-26")
    assert status == 0
    issue = Issue.objects.get()
    assert issue.status == Issue.Status.DRAFT and not issue.is_public
    assert issue.issue_date == date(2024, 2, 26)
    assert [(s.number, s.title) for s in issue.sections.all()] == [
        (number, title) for number, title, _ in SAMPLE_SECTIONS
    ]
    assert [item.title for item in Item.objects.order_by("section__position", "position")] == [
        headline for _, _, items in SAMPLE_SECTIONS for headline, _, _ in items
    ]
    assert "created" in out and "29 items" in out


def test_importing_the_same_file_again_reports_the_existing_issue(legacy_sample_path):
    run("import_legacy", str(legacy_sample_path), "--number", "40")
    status, out, _ = run("import_legacy", str(legacy_sample_path))
    assert status == 0
    assert "already imported as issue 40" in out
    assert Issue.objects.count() == 1 and Item.objects.count() == 29


def test_replace_reimports_into_the_same_issue(legacy_sample_path):
    run("import_legacy", str(legacy_sample_path), "--number", "40")
    Item.objects.filter(position=1).update(title="被编辑改过的标题")
    status, out, _ = run("import_legacy", str(legacy_sample_path), "--replace", "--json")
    assert status == 0
    [report] = json_lines(out)
    assert report["issue_number"] == 40 and report["ok"]
    assert Issue.objects.count() == 1
    assert not Item.objects.filter(title="被编辑改过的标题").exists()
    assert Item.objects.count() == 29


def test_dry_run_writes_nothing(legacy_sample_path):
    status, out, _ = run("import_legacy", str(legacy_sample_path), "--dry-run", "--json")
    assert status == 0
    [report] = json_lines(out)
    assert report["ok"] and report["sections"] == 7 and report["items"] == 29
    assert not Issue.objects.exists() and not Section.objects.exists()


def test_json_report_has_the_agreed_shape(legacy_sample_path):
    status, out, _ = run("import_legacy", str(legacy_sample_path), "--json")
    [report] = json_lines(out)
    assert set(report) == {
        "path",
        "ok",
        "issue_number",
        "sections",
        "items",
        "warnings",
        "error",
    }
    assert report["path"] == str(legacy_sample_path)
    assert report["issue_number"] == 1 and report["error"] is None
    assert "no date given (--date): the issue has no date" in report["warnings"]
    assert any("line 502" in warning for warning in report["warnings"])


def test_without_number_the_issue_takes_the_next_free_one(legacy_sample_path):
    Issue.objects.create(number=12, title="已有")
    run("import_legacy", str(legacy_sample_path), "--title", "2024 年第 8 期")
    issue = Issue.objects.get(number=13)
    assert issue.title == "2024 年第 8 期"


SMALL_ISSUE = "一周要闻\n\n1 安全行业一周要闻\n\n某条标题\n\n··\n\n■ 某条标题\n正文。\n"


def test_a_directory_imports_every_txt_in_name_order(tmp_path, legacy_sample_bytes):
    (tmp_path / "b.txt").write_bytes(legacy_sample_bytes)
    (tmp_path / "a.txt").write_text(SMALL_ISSUE, encoding="gb18030")
    (tmp_path / "notes.md").write_text("ignored")
    status, out, _ = run("import_legacy", str(tmp_path), "--json")
    reports = json_lines(out)
    assert status == 0
    assert [r["path"].rsplit("/", 1)[1] for r in reports] == ["a.txt", "b.txt"]
    assert [r["issue_number"] for r in reports] == [1, 2]


BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "binary.txt": (b"\x00\x01\x02\x03" * 50, "binary"),
    "photo.txt": (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
    "garbled.txt": (bytes([0x81, 0x20, 0xFF, 0xFE]) * 30, "not text in a known encoding"),
    "prose.txt": ("一段没有栏目的文字。\n".encode(), "no sections"),
    "no-items.txt": ("1 安全行业一周要闻\n\n标题\n\n··\n".encode(), "no news items"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_fail_clearly_and_write_nothing(tmp_path, name):
    data, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    status, out, err = run("import_legacy", str(path))
    assert status == 1
    assert str(path) in err and reason in err
    assert "Traceback" not in err
    assert not Issue.objects.exists() and not Section.objects.exists()


def test_a_path_that_does_not_exist_fails_clearly(tmp_path):
    path = tmp_path / "2019-05-06.txt"
    status, _, err = run("import_legacy", str(path))
    assert status == 1
    assert f"{path}: no such file" in err
    assert "Traceback" not in err


def test_a_directory_without_txt_files_is_bad_usage(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    status, _, err = run("import_legacy", str(tmp_path))
    assert status == 2
    assert "no *.txt files" in err
    assert not Issue.objects.exists()


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings, legacy_sample_bytes):
    settings.LEGACY_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "big.txt"
    path.write_bytes(legacy_sample_bytes)
    status, _, err = run("import_legacy", str(path))
    assert status == 1 and "limit" in err
    assert not Issue.objects.exists()


def test_one_bad_file_does_not_stop_the_others(tmp_path, legacy_sample_bytes):
    (tmp_path / "1-good.txt").write_bytes(legacy_sample_bytes)
    (tmp_path / "2-bad.txt").write_bytes(b"")
    status, out, _ = run("import_legacy", str(tmp_path), "--json")
    assert status == 1
    assert [r["ok"] for r in json_lines(out)] == [True, False]
    assert Issue.objects.count() == 1


def test_a_failure_while_saving_leaves_nothing_half_written(legacy_sample_path, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Item.objects, "bulk_create", explode)
    from bulletins.legacy.importer import import_legacy_file

    with pytest.raises(RuntimeError):
        import_legacy_file(legacy_sample_path)
    assert not Issue.objects.exists() and not Section.objects.exists()


def test_an_item_too_long_to_keep_is_refused_and_nothing_is_written(tmp_path):
    issue = Issue.objects.create(number=9, title="长稿")
    section = Section.objects.create(issue=issue, position=1, title="安全行业一周要闻", slug="s")
    body = "据悉，" + "这是一篇超长的稿件。" * (BODY_MAX_LENGTH // 10)
    Item.objects.create(section=section, position=1, title="超长稿件", body=body)
    path = tmp_path / "long.txt"
    path.write_text(issue_to_text(issue_for_export(9)), encoding="utf-8")
    issue.delete()

    status, _, err = run("import_legacy", str(path))
    assert status == 1
    assert "超长稿件" in err and f"{BODY_MAX_LENGTH}" in err
    assert not Issue.objects.exists() and not Item.objects.exists()


def test_a_title_too_long_to_keep_is_refused_rather_than_cut(tmp_path):
    issue = Issue.objects.create(number=9, title="长标题")
    section = Section.objects.create(issue=issue, position=1, title="安全行业一周要闻", slug="s")
    Item.objects.create(section=section, position=1, title="占位标题", body="正文。")
    long_title = "某公司发布" + "新一代产品" * 70  # 355 characters on one line
    path = tmp_path / "long-title.txt"
    text = issue_to_text(issue_for_export(9)).replace("占位标题", long_title)
    path.write_text(text, encoding="utf-8")
    issue.delete()

    status, _, err = run("import_legacy", str(path))
    assert status == 1
    assert "某公司发布新一代产品" in err and "355" in err and "300" in err
    assert not Issue.objects.exists() and not Item.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--date", "26/02/2024"],
        ["--number", "0"],
        ["--number", "abc"],
    ],
)
def test_bad_usage_exits_with_status_2(legacy_sample_path, args):
    status, _, err = run("import_legacy", str(legacy_sample_path), *args)
    assert status == 2 and err
    assert not Issue.objects.exists()


def test_number_with_several_files_is_bad_usage(tmp_path, legacy_sample_bytes):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(legacy_sample_bytes)
    status, _, err = run("import_legacy", str(tmp_path), "--number", "5")
    assert status == 2 and "exactly one file" in err


def test_a_taken_number_is_a_failure_not_a_crash(legacy_sample_path):
    Issue.objects.create(number=5, title="已有")
    status, _, err = run("import_legacy", str(legacy_sample_path), "--number", "5")
    assert status == 1 and "already taken" in err
    assert Issue.objects.count() == 1


def test_export_json_has_the_agreed_shape(legacy_sample_path):
    run("import_legacy", str(legacy_sample_path), "--number", "3", "--date", "2024-02-26")
    status, out, _ = run("export_issue", "3", "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert list(data) == ["number", "title", "issue_date", "status", "sections"]
    assert data["number"] == 3 and data["issue_date"] == "2024-02-26"
    assert data["status"] == "draft"
    section = data["sections"][1]
    assert list(section) == ["number", "title", "headlines", "items"]
    assert section["headlines"][1] == "Intel 代工正式成立：宣布八大全新制造工艺"
    assert list(section["items"][0]) == ["title", "body", "source", "source_url"]


def test_export_of_a_missing_issue_is_a_clear_error():
    status, _, err = run("export_issue", "99")
    assert status == 1 and "no issue number 99" in err


def test_exported_text_imports_back_to_the_same_structure(legacy_sample_path, tmp_path):
    run("import_legacy", str(legacy_sample_path), "--number", "3")
    original = issue_to_dict(issue_for_export(3))
    _, text, _ = run("export_issue", "3", "--format", "text")
    path = tmp_path / "exported.txt"
    path.write_text(text, encoding="utf-8")
    status, out, _ = run("import_legacy", str(path), "--number", "4", "--json")
    assert status == 0, out
    again = issue_to_dict(issue_for_export(4))
    assert again["sections"] == original["sections"]
    assert again["title"] == original["title"]


# Generated issues: words of Chinese, Latin and digits, set the way the bulletin sets them.
_cjk = st.text(
    alphabet="半导体芯片安全网络通信发布市场技术研究公司中国全球数据亿美元年月日",
    min_size=1,
    max_size=6,
)
_latin = st.from_regex(r"[A-Z][a-z]{1,6}|[0-9]{1,4}(\.[0-9])?%?|5G-A|Wi-Fi 7", fullmatch=True)
_punct = st.sampled_from(["，", "。", "、", "：", "“", "”", "（", "）", "！"])


@st.composite
def _phrase(draw, min_parts=2, max_parts=12, *, punctuation=True):
    pieces = st.one_of(_cjk, _cjk, _latin, _punct) if punctuation else st.one_of(_cjk, _latin)
    parts = draw(st.lists(pieces, min_size=min_parts, max_size=max_parts))
    text = ""
    for part in parts:
        if text and (part[0].isascii() or text[-1].isascii()):
            text += " "
        text += part
    return text.strip()


_item = st.tuples(_phrase(2, 6), st.lists(_phrase(3, 30), min_size=1, max_size=3))
# A section heading is a name: no sentence punctuation (the parser relies on it).
_section = st.tuples(_phrase(1, 3, punctuation=False), st.lists(_item, min_size=1, max_size=4))


def _usable(text):
    return text and not text[0].isdigit() and not text.startswith(("·", "■"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(_section, min_size=1, max_size=4), _phrase(1, 4))
def test_export_then_import_gives_back_generated_issues(sections, title):
    sections = [
        (s_title, [(t, body) for t, body in items if _usable(t) and all(map(_usable, body))])
        for s_title, items in sections
    ]
    sections = [(t, items) for t, items in sections if items and t]
    if not sections or not _usable(title):
        return
    with transaction.atomic():
        issue = Issue.objects.create(number=1, title=title)
        for s_pos, (s_title, items) in enumerate(sections, start=1):
            section = Section.objects.create(
                issue=issue, position=s_pos, title=s_title, number=s_pos
            )
            for i_pos, (i_title, body) in enumerate(items, start=1):
                Item.objects.create(
                    section=section, position=i_pos, title=i_title, body="\n".join(body)
                )
        exported = issue_for_export(1)
        parsed = parse_legacy(issue_to_text(exported))
        expected = issue_to_dict(exported)
        transaction.set_rollback(True)
    assert parsed.ok, parsed.error
    assert parsed.title == title
    assert [
        {
            "number": s.number,
            "title": s.title,
            "headlines": s.headlines,
            "items": [
                {"title": i.title, "body": i.body, "source": "", "source_url": ""} for i in s.items
            ],
        }
        for s in parsed.sections
    ] == expected["sections"]
