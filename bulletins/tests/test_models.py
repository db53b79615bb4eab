from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bulletins.models import Issue, Item, Section

from .factories import make_issue

pytestmark = pytest.mark.django_db


def test_two_issues_cannot_share_a_number():
    make_issue(number=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(number=7, title="重复")


def test_issue_number_zero_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(number=0, title="零")


def test_two_sections_cannot_share_a_position_in_one_issue():
    issue = make_issue(sections=[("A", 0)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(issue=issue, position=1, title="B", slug="b")


def test_two_items_cannot_share_a_position_in_one_section():
    issue = make_issue(sections=[("A", 1)])
    section = issue.sections.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(section=section, position=1, title="t", body="b")


def test_same_positions_are_fine_in_different_issues():
    make_issue(sections=[("A", 2)])
    make_issue(sections=[("A", 2)])
    assert Section.objects.filter(position=1).count() == 2


def test_deleting_an_issue_deletes_its_sections_and_items():
    issue = make_issue(sections=[("A", 2), ("B", 3)])
    other = make_issue(sections=[("C", 1)])
    issue.delete()
    assert Section.objects.get().issue == other
    assert Item.objects.count() == 1


def test_published_issue_whose_time_has_come_is_public():
    issue = make_issue(published_at="past")
    assert list(Issue.objects.published()) == [issue]
    assert issue.is_public


def test_draft_issue_is_not_public():
    make_issue(status=Issue.Status.DRAFT)
    assert not Issue.objects.published().exists()


def test_issue_scheduled_for_the_future_is_not_public_yet():
    issue = make_issue(published_at="future")
    assert not Issue.objects.published().exists()
    assert issue.is_scheduled and not issue.is_public


def test_published_issue_without_a_publication_time_is_not_public():
    make_issue(published_at=None)
    assert not Issue.objects.published().exists()


def test_scheduled_issue_goes_live_when_its_time_passes():
    issue = make_issue(published_at="future")
    Issue.objects.filter(pk=issue.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert list(Issue.objects.published()) == [issue]


def test_item_body_is_read_as_paragraphs():
    item = Item(body="第一段。\n\n  第二段。 \n第三段。")
    assert item.paragraphs == ["第一段。", "第二段。", "第三段。"]


def test_public_objects_know_their_urls():
    issue = make_issue(number=12, sections=[("半导体行业一周要闻", 2)])
    section = issue.sections.get()
    item = section.items.get(position=2)
    assert issue.get_absolute_url() == "/issues/12/"
    assert item.get_absolute_url() == "/issues/12/1-2/"
    assert unquote(section.get_absolute_url()) == "/sections/半导体行业一周要闻/"
