"""Importing many legacy files at once: duplicates across encodings, numbers from file names,
files committed in chunks with the search index right, progress on a terminal."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bulletins.legacy import importer, sources
from bulletins.legacy.importer import import_legacy_many
from bulletins.models import Issue, Item

from .legacy_render import render
from .searching import api_ids, containing
from .test_legacy_import import json_lines, run

pytestmark = pytest.mark.django_db


def small_issue(word, items=2):
    """A short issue of its own: items titled and told with `word`."""
    titles = [f"{word}第{n}条新闻" for n in range(1, items + 1)]
    bodies = [f"{word}相关的正文，第{n}条，写得足够长，可以排成好几行来看看。" for n in range(1, 6)]
    return render([(1, "安全行业一周要闻", titles, [(t, "".join(bodies)) for t in titles])])


@pytest.mark.parametrize(
    "copy",
    [
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("utf-16"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8-sig"),
        lambda t: re.sub(r" +$", "", t, flags=re.M).encode("utf-8"),
    ],
    ids=["gb18030", "utf16", "crlf-bom", "trailing-spaces-stripped"],
)
def test_the_same_text_in_another_form_is_already_imported(tmp_path, legacy_sample_text, copy):
    original, other = tmp_path / "original.txt", tmp_path / "copy.txt"
    original.write_text(legacy_sample_text, encoding="utf-8")
    other.write_bytes(copy(legacy_sample_text))
    assert run("import_legacy", str(original), "--number", "40")[0] == 0
    status, out, _ = run("import_legacy", str(other))
    assert status == 0 and "already imported as issue 40" in out
    assert Issue.objects.count() == 1 and Item.objects.count() == 29


def test_an_issue_imported_under_the_old_key_of_its_bytes_is_recognised(legacy_sample_path):
    Issue.objects.create(
        number=7,
        title="旧导入",
        source_hash=hashlib.sha256(legacy_sample_path.read_bytes()).hexdigest(),
    )
    status, out, _ = run("import_legacy", str(legacy_sample_path))
    assert status == 0 and "already imported as issue 7" in out
    assert Issue.objects.count() == 1


def test_two_copies_in_one_run_make_one_issue(tmp_path, legacy_sample_text):
    (tmp_path / "a.txt").write_text(legacy_sample_text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(legacy_sample_text, encoding="gb18030")
    status, out, _ = run("import_legacy", str(tmp_path), "--json")
    first, second = json_lines(out)
    assert status == 0
    assert first["issue_number"] == second["issue_number"] == 1
    assert "already imported as issue 1" in second["warnings"]
    assert Issue.objects.count() == 1


@pytest.mark.parametrize(
    "name, number",
    [
        ("第123期.txt", 123),
        ("周讯第 45 期.txt", 45),
        ("No.123.txt", 123),
        ("no 9.txt", 9),
        ("123.txt", 123),
    ],
)
def test_a_number_in_the_file_name_becomes_the_issue_number(tmp_path, name, number):
    path = tmp_path / name
    path.write_text(small_issue("量子"), encoding="utf-8")
    assert run("import_legacy", str(path))[0] == 0
    assert Issue.objects.get().number == number


def test_a_file_name_without_a_number_takes_the_next_free_one(tmp_path):
    Issue.objects.create(number=12, title="已有")
    path = tmp_path / "2019-05-06.txt"
    path.write_text(small_issue("量子"), encoding="utf-8")
    assert run("import_legacy", str(path))[0] == 0
    assert Issue.objects.filter(number=13).exists()


def test_a_taken_number_from_a_file_name_fails_that_file_alone(tmp_path):
    Issue.objects.create(number=5, title="已有")
    (tmp_path / "No.5.txt").write_text(small_issue("量子"), encoding="utf-8")
    (tmp_path / "No.6.txt").write_text(small_issue("卫星"), encoding="utf-8")
    status, _, err = run("import_legacy", str(tmp_path))
    assert status == 1
    assert "No.5.txt: issue number 5 is already taken (the number comes from the file name)" in err
    assert set(Issue.objects.values_list("number", flat=True)) == {5, 6}
    assert not Item.objects.filter(section__issue__number=5).exists()


def test_files_committed_in_chunks_are_each_whole_and_all_searchable(client, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_SIZE", 2)
    Issue.objects.create(number=3, title="已有")
    words = ["量子", "卫星", "芯片", "光刻", "基站"]
    for number, word in enumerate(words, start=1):
        (tmp_path / f"{number}.txt").write_text(small_issue(word), encoding="utf-8")
    status, out, _ = run("import_legacy", str(tmp_path), "--json")
    assert status == 1  # 3.txt: number 3 is taken
    assert [r["ok"] for r in json_lines(out)] == [True, True, False, True, True]
    assert not Item.objects.filter(section__issue__number=3).exists()
    Issue.objects.update(status=Issue.Status.PUBLISHED, published_at=timezone.now() - timedelta(1))
    for word in words:
        query = f"{word}第2条新闻"
        ids, count = api_ids(client, q=query)
        assert set(ids) == containing(query) and count == len(ids)
        assert len(ids) == (0 if word == "芯片" else 1)


def test_a_file_replaced_twice_in_one_chunk_is_indexed_once(client, tmp_path):
    path = tmp_path / "第8期.txt"
    path.write_text(small_issue("量子"), encoding="utf-8")
    results = list(import_legacy_many([path, path, path], replace=True))
    assert [r.status for r in results] == ["created", "replaced", "replaced"]
    Issue.objects.update(status=Issue.Status.PUBLISHED, published_at=timezone.now() - timedelta(1))
    ids, count = api_ids(client, q="量子第1条新闻")
    assert count == 1 and ids == list(Item.objects.filter(position=1).values_list("pk", flat=True))


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run_on_a_terminal(*args):
    from django.core.management import call_command

    out, err = Terminal(), Terminal()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_many_files_show_progress_on_a_terminal(tmp_path):
    for number, word in enumerate(["量子", "卫星", "芯片"], start=1):
        (tmp_path / f"{number}.txt").write_text(small_issue(word, items=3), encoding="utf-8")
    out, err = run_on_a_terminal("import_legacy", str(tmp_path))
    assert "3/3 files · 9 items ·" in err and "files/s" in err
    assert "1/3 files · 3 items ·" in err and " left" in err
    assert err.endswith("\r\033[K")  # the line is taken away at the end
    assert "Summary: 3 created" in out


def test_progress_stays_off_the_json_and_away_from_pipes(tmp_path):
    for number, word in enumerate(["量子", "卫星"], start=1):
        (tmp_path / f"{number}.txt").write_text(small_issue(word), encoding="utf-8")
    out, err = run_on_a_terminal("import_legacy", str(tmp_path), "--json", "--dry-run")
    assert [r["issue_number"] for r in json_lines(out)] == [1, 2]
    status, _, piped_err = run("import_legacy", str(tmp_path), "--dry-run")
    assert status == 0 and piped_err == ""


def test_an_imported_issue_has_a_revision_with_all_its_sections_and_items(legacy_sample_path):
    from reversion.models import Version

    from bulletins.history import revisions_of

    run("import_legacy", str(legacy_sample_path), "--number", "40")
    issue = Issue.objects.get(number=40)
    [revision] = revisions_of(issue)
    kept = Version.objects.filter(revision=revision)
    assert {v.object_id for v in kept if v.content_type.model == "item"} == {
        str(pk) for pk in Item.objects.values_list("pk", flat=True)
    }
    assert sum(v.content_type.model == "section" for v in kept) == 7
    titles = {v.field_dict["title"] for v in kept if v.content_type.model == "item"}
    assert "Intel 代工正式成立：宣布八大全新制造工艺" in titles


def test_a_file_of_more_items_than_an_issue_can_have_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ITEMS", 3)
    path = tmp_path / "several.txt"
    path.write_text(small_issue("量子", items=4), encoding="utf-8")
    status, _, err = run("import_legacy", str(path))
    assert status == 1 and "holds 4 items, more than the 3 an issue may have" in err
    assert not Issue.objects.exists()


def test_without_a_date_the_report_gives_the_date_the_text_suggests(legacy_sample_path):
    status, out, _ = run("import_legacy", str(legacy_sample_path), "--json")
    [report] = json_lines(out)
    assert "no date given (--date): the issue has no date" in report["warnings"]
    assert any(w.startswith("the text suggests 2024-02-22") for w in report["warnings"])
    assert Issue.objects.get().issue_date is None


def test_date_from_text_dates_each_issue_as_its_items_suggest(tmp_path, legacy_sample_path):
    (tmp_path / "a.txt").write_bytes(legacy_sample_path.read_bytes())
    (tmp_path / "b.txt").write_text(small_issue("量子"), encoding="utf-8")  # no dates in it
    status, out, _ = run("import_legacy", str(tmp_path), "--date-from-text")
    assert status == 0
    assert str(Issue.objects.get(number=1).issue_date) == "2024-02-22"
    assert Issue.objects.get(number=2).issue_date is None
    assert "dated 2024-02-22, suggested from the dates the items mention" in out


def test_a_date_given_wins_over_the_text(legacy_sample_path):
    run("import_legacy", str(legacy_sample_path), "--date", "2024-02-26", "--date-from-text")
    assert str(Issue.objects.get().issue_date) == "2024-02-26"
