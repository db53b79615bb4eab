"""A small site with every kind of thing a backup must carry: published, scheduled and draft
issues, a picture with its renditions, users in the editors' groups, an issue's history.

    python manage.py shell -c "from bulletins.tests.site_content import main; main()"
"""

import io
from datetime import date, timedelta

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from bulletins.history import record_revision
from bulletins.models import Issue, Item
from bulletins.search import index_issue


def jpeg(width=640, height=400):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def build():
    on_the_minute = timezone.now().replace(second=0, microsecond=0)
    chief = User.objects.create_user("zhubian", "chief@example.com", "pw-1", is_staff=True)
    editor = User.objects.create_user("bianji", "editor@example.com", "pw-2", is_staff=True)
    User.objects.create_superuser("admin", "admin@example.com", "pw-3")
    for user, role in [(chief, "主编"), (editor, "编辑")]:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    states = [
        ("published", on_the_minute - timedelta(days=7)),
        ("published", on_the_minute - timedelta(hours=1)),
        ("published", on_the_minute + timedelta(days=1)),  # scheduled
        ("draft", None),
    ]
    for number, (status, published_at) in enumerate(states, start=1):
        issue = Issue.objects.create(
            number=number,
            title=f"第{number}期 一周要闻",
            issue_date=date(2024, 1, 1) + timedelta(weeks=number),
            status=status,
            published_at=published_at,
            editors_note="本期导读。" if number == 2 else "",
        )
        for s in range(1, 3):
            section = issue.sections.create(
                position=s, number=s, title=f"栏目{s}", slug=f"lanmu-{s}"
            )
            for i in range(1, 4):
                section.items.create(
                    position=i,
                    title=f"芯片新闻 {number}-{s}-{i}",
                    body=f"第一段，第{number}期。\n第二段：卫星与半导体。",
                    source="新华社" if i == 1 else "",
                    source_url="https://example.com/news" if i == 2 else "",
                )
        index_issue(issue)
        record_revision(issue, user=chief, summary=f"第{number}期初稿")
    item = Item.objects.get(section__issue__number=2, section__position=1, position=1)
    item.image = ContentFile(jpeg(), name="photo.jpg")
    item.image_alt = "一块晶圆"
    item.save()


def main():
    build()
