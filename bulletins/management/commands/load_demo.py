"""Load the demo issue and the demo editor account, once."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bulletins.demo import DEMO_EDITOR, DEMO_ISSUE, draw_picture
from bulletins.models import Issue, Item, Section
from bulletins.search import index_issue


class Command(BaseCommand):
    help = "Create the demo issue and a demo editor account unless they already exist."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            # The editor's password is printed here and in the README: never on a real site.
            raise CommandError(
                "load_demo adds an editor account with a published password, so it runs only "
                "in development: set DJANGO_DEBUG=1."
            )
        if Issue.objects.exists():
            self.stdout.write("Content already present: no demo issue added.")
        else:
            self._create_issue()
            self.stdout.write(self.style.SUCCESS("Demo issue No. 1 created and published."))
        self._create_editor()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo editor: user {DEMO_EDITOR['username']}, "
                f"password {DEMO_EDITOR['password']}  (http://127.0.0.1:8000/admin/)"
            )
        )

    def _create_issue(self):
        data = DEMO_ISSUE
        issue = Issue.objects.create(
            number=data["number"],
            title=data["title"],
            editors_note=data["editors_note"],
            issue_date=timezone.localdate(),
            status=Issue.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for s_pos, s in enumerate(data["sections"], start=1):
            section = Section.objects.create(
                issue=issue, position=s_pos, number=s["number"], title=s["title"], slug=s["slug"]
            )
            items = Item.objects.bulk_create(
                Item(
                    section=section,
                    position=i_pos,
                    title=i["title"],
                    body=i["body"],
                    source=i.get("source", ""),
                )
                for i_pos, i in enumerate(s["items"], start=1)
            )
            for item, i in zip(items, s["items"], strict=True):
                if "picture" in i:
                    self._add_picture(item, i["picture"])
        index_issue(issue)

    def _add_picture(self, item, picture):
        item.image = ContentFile(draw_picture(picture["drawing"]), name="demo.png")
        item.image_alt = picture["alt"]
        item.image_caption = picture["caption"]
        item.image_credit = picture["credit"]
        item.save()

    def _create_editor(self):
        # The chief editors' group (made by migration 0010): the demo may publish and schedule.
        group = Group.objects.get(name="主编")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_EDITOR["username"], defaults={"is_staff": True}
        )
        if created:
            user.set_password(DEMO_EDITOR["password"])
            user.save()
        user.groups.add(group)
