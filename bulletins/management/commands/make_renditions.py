"""python manage.py make_renditions"""

from django.core.management.base import BaseCommand, CommandError

from bulletins.images.adopt import adopt, pictures_without_renditions
from bulletins.models import Item


class Command(BaseCommand):
    help = (
        "Give the pictures stored before renditions existed what an upload gets today: "
        "checked, turned upright, stripped of metadata, stored by content, with renditions."
    )

    def handle(self, *args, **options):
        done, failed = 0, 0
        for item in pictures_without_renditions(Item).select_related("section__issue"):
            problem = adopt(item)
            if problem:
                failed += 1
                self.stderr.write(f"Item {item.pk} ({item.title}): {problem}")
            else:
                done += 1
        self.stdout.write(f"Made renditions for {done} picture(s); {failed} could not be read.")
        if failed:
            raise CommandError(f"{failed} picture(s) left as they were: see above.")
