"""No orphan files: a picture nobody uses goes once the change commits, never before."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from bulletins.images import files
from bulletins.models import Issue, Item

from . import pictures
from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db

ROW = "sections-0-items-0"


def change_url(issue):
    return reverse("admin:bulletins_issue_change", args=[issue.pk])


def picture_files(item):
    """The stored files of an item's picture: its original and every rendition."""
    record = item.image_renditions
    names = [item.image.name, record["share"]["name"]]
    return sorted(names + [entry["name"] for entry in record["webp"]])


def exist(names):
    return [name for name in names if default_storage.exists(name)]


@pytest.fixture
def pictured():
    """A published issue of two items, each with its own picture."""
    issue = make_issue(sections=[("半导体行业一周要闻", 2)])
    first, second = pictures.give_pictures(issue.sections.get().items.order_by("position"))
    return issue, first, second


def edit(editor, issue, **changes):
    data = form_data(editor.get(change_url(issue)))
    data.update(changes)
    response = editor.post(change_url(issue), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_replacing_a_picture_removes_the_old_files_after_commit(
    editor, pictured, django_capture_on_commit_callbacks
):
    issue, first, _ = pictured
    old = picture_files(first)
    stamp = Issue.objects.get(pk=issue.pk).updated_at
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        new = pictures.upload(pictures.photo(seed=40), "new.jpg")
        edit(editor, issue, **{f"{ROW}-image": new})
        assert exist(old) == old  # nothing is removed before the commit
    assert callbacks
    first.refresh_from_db()
    assert exist(old) == []
    assert exist(picture_files(first)) == picture_files(first)
    assert Issue.objects.get(pk=issue.pk).updated_at > stamp  # readers' caches move on


def test_clearing_a_picture_removes_its_files(editor, pictured, django_capture_on_commit_callbacks):
    issue, first, _ = pictured
    old = picture_files(first)
    with django_capture_on_commit_callbacks(execute=True):
        edit(editor, issue, **{f"{ROW}-image-clear": "on"})
    first.refresh_from_db()
    assert not first.image
    assert first.image_renditions is None
    assert exist(old) == []


def test_deleting_an_item_on_the_compose_screen_removes_its_picture(
    editor, pictured, django_capture_on_commit_callbacks
):
    issue, first, second = pictured
    with django_capture_on_commit_callbacks(execute=True):
        edit(editor, issue, **{f"{ROW}-DELETE": "on"})
    assert not Item.objects.filter(pk=first.pk).exists()
    assert exist(picture_files(first)) == []
    assert exist(picture_files(second)) == picture_files(second)


def test_deleting_an_issue_removes_the_pictures_of_all_its_items(
    editor, pictured, django_capture_on_commit_callbacks
):
    issue, first, second = pictured
    other_item = make_issue().sections.get().items.first()
    other = pictures.give_pictures([other_item], first_seed=7)[0]
    url = reverse("admin:bulletins_issue_delete", args=[issue.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(url, {"post": "yes"}).status_code == 302
    assert not Issue.objects.filter(pk=issue.pk).exists()
    assert exist(picture_files(first) + picture_files(second)) == []
    assert exist(picture_files(other)) == picture_files(other)


def test_a_picture_two_items_use_stays_until_neither_uses_it(
    pictured, django_capture_on_commit_callbacks
):
    issue, first, second = pictured
    second.image = ContentFile(pictures.photo(seed=0), name="same-as-first.jpg")
    second.save()
    assert second.image.name == first.image.name
    shared = picture_files(first)
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert exist(shared) == shared
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert exist(shared) == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_replacement_keeps_the_old_picture():
    issue = make_issue(sections=[("半导体行业一周要闻", 1)])
    item = pictures.give_pictures([issue.sections.get().items.get()])[0]
    old = picture_files(item)
    with pytest.raises(RuntimeError), transaction.atomic():
        item.image = ContentFile(pictures.photo(seed=9), name="other.jpg")
        item.save()
        raise RuntimeError("the save fails after the item row was written")
    item.refresh_from_db()
    assert picture_files(item) == old
    assert exist(old) == old


@pytest.mark.django_db(transaction=True)
def test_files_are_removed_only_once_the_transaction_commits():
    issue = make_issue(sections=[("半导体行业一周要闻", 1)])
    item = pictures.give_pictures([issue.sections.get().items.get()])[0]
    old = picture_files(item)
    with transaction.atomic():
        item.image = ContentFile(pictures.photo(seed=9), name="other.jpg")
        item.save()
        assert exist(old) == old
    assert exist(old) == []


@pytest.mark.django_db(transaction=True)
def test_deleting_an_issue_outside_the_admin_removes_its_pictures():
    issue = make_issue(sections=[("半导体行业一周要闻", 2)])
    items = pictures.give_pictures(issue.sections.get().items.all())
    names = [name for item in items for name in picture_files(item)]
    Issue.objects.filter(pk=issue.pk).delete()
    assert exist(names) == []


# The orphan report


def age(name, hours):
    path = default_storage.path(name)
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_orphan_report_lists_unreferenced_files_and_removes_them_on_request(pictured, capsys):
    _, first, second = pictured
    used = picture_files(first) + picture_files(second)
    stale = default_storage.save("images/ab/left-by-a-failed-save.jpg", ContentFile(b"x" * 2048))
    legacy = default_storage.save("items/2023/05/old.png", ContentFile(b"y"))
    fresh = default_storage.save("images/cd/being-saved-now.jpg", ContentFile(b"z"))
    for name in used + [stale, legacy]:
        age(name, 2)

    call_command("orphan_media")
    report = capsys.readouterr().out
    assert f"{stale}\t2048" in report
    assert legacy in report
    assert fresh not in report
    assert "1 unreferenced file(s) younger than 60 minutes left alone." in report
    assert "Found 2 unreferenced file(s)" in report
    assert not any(name in report for name in used)
    assert exist([stale, legacy]) == [stale, legacy]  # a report removes nothing

    call_command("orphan_media", "--remove")
    assert "Removed 2 unreferenced file(s)" in capsys.readouterr().out
    assert exist([stale, legacy, fresh]) == [fresh]
    assert exist(used) == used


def test_orphan_report_refuses_a_negative_age():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--min-age"):
        call_command("orphan_media", "--min-age", "-5")


def test_files_of_a_picture_are_found_from_its_name_alone(pictured):
    _, first, second = pictured
    assert sorted(files.files_of(first.image.name)) == picture_files(first)


# Pictures stored before renditions


def legacy_picture(item, data, name):
    stored = default_storage.save(name, ContentFile(data))
    Item.objects.filter(pk=item.pk).update(image=stored, image_alt="旧图")
    return stored


def test_make_renditions_adopts_pictures_stored_before_renditions(
    django_capture_on_commit_callbacks, capsys
):
    issue = make_issue(sections=[("半导体行业一周要闻", 1)])
    item = issue.sections.get().items.get()
    old = legacy_picture(item, pictures.photo_jpeg(size=(900, 600)), "items/2024/01/IMG.jpg")
    stamp = Issue.objects.get(pk=issue.pk).updated_at
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_renditions")
    assert "Made renditions for 1 picture(s); 0 could not be read." in capsys.readouterr().out
    item.refresh_from_db()
    assert item.image.name.startswith("images/")
    assert [e["width"] for e in item.image_renditions["webp"]] == [480, 800, 900]
    with default_storage.open(item.image.name) as file:
        assert b"SecretCam" not in file.read()
    assert not default_storage.exists(old)
    assert Issue.objects.get(pk=issue.pk).updated_at > stamp


def test_make_renditions_reports_a_picture_it_refuses_and_fails(capsys):
    from django.core.management.base import CommandError

    item = make_issue(sections=[("半导体行业一周要闻", 1)]).sections.get().items.get()
    bomb = legacy_picture(item, pictures.png_bomb(12_000, 12_000), "items/2020/01/bomb.png")
    with pytest.raises(CommandError, match="1 picture"):
        call_command("make_renditions")
    assert "12000 × 12000" in capsys.readouterr().err
    item.refresh_from_db()
    assert (item.image.name, item.image_renditions) == (bomb, None)
