"""Build issues for tests in one call."""

import itertools
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from bulletins.models import Issue, Item, Section
from bulletins.search import index_issue

_numbers = itertools.count(1000)


def make_issue(
    *,
    number=None,
    title="测试期刊",
    status=Issue.Status.PUBLISHED,
    published_at="past",
    issue_date=None,
    sections=(("半导体行业一周要闻", 2),),
):
    """Create an issue with sections of (title, item count); published an hour ago by default."""
    if published_at == "past":
        published_at = timezone.now() - timedelta(hours=1)
    elif published_at == "future":
        published_at = timezone.now() + timedelta(days=1)
    issue = Issue.objects.create(
        number=number if number is not None else next(_numbers),
        title=title,
        status=status,
        published_at=published_at,
        issue_date=issue_date,
    )
    items = []
    for s_pos, (section_title, count) in enumerate(sections, start=1):
        section = Section.objects.create(
            issue=issue,
            position=s_pos,
            number=s_pos,
            title=section_title,
            slug=slugify(section_title, allow_unicode=True),
        )
        items += [
            Item(
                section=section,
                position=i,
                title=f"{section_title} 第 {i} 条新闻",
                body=f"第一段：{section_title} 的第 {i} 条。\n第二段：更多细节。",
            )
            for i in range(1, count + 1)
        ]
    Item.objects.bulk_create(items)
    index_issue(issue)
    return issue
