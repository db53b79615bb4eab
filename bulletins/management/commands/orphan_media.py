"""python manage.py orphan_media [--remove] [--min-age MINUTES]"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from bulletins.images import cleanup, files
from bulletins.models import Item


class Command(BaseCommand):
    help = (
        "List the files in the media storage (MEDIA_ROOT) that no item references: pictures "
        "left by a failed save or a change made outside the app. With --remove, delete them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--remove", action="store_true", help="Delete the unreferenced files listed."
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help=(
                "Leave files younger than this alone (default 60): a picture is written "
                "before the save that references it commits."
            ),
        )

    def handle(self, *args, remove, min_age, **options):
        if min_age < 0:
            raise CommandError("--min-age must be 0 or more minutes.")
        try:
            orphans, recent = cleanup.find_orphans(Item, timedelta(minutes=min_age))
        except OSError as error:
            raise CommandError(f"Could not list the media storage: {error}") from error
        storage = files.storage()
        total = 0
        for name in orphans:
            size = storage.size(name)
            total += size
            self.stdout.write(f"{name}\t{size}")
            if remove:
                storage.delete(name)
        if recent:
            self.stdout.write(
                f"{len(recent)} unreferenced file(s) younger than {min_age} minutes left alone."
            )
        verb = "Removed" if remove else "Found"
        summary = f"{verb} {len(orphans)} unreferenced file(s), {total / 1_048_576:.1f} MB."
        self.stdout.write(self.style.SUCCESS(summary) if remove or not orphans else summary)
