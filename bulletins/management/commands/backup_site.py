"""python manage.py backup_site ARCHIVE.tar.gz"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bulletins.backup import back_up


class Command(BaseCommand):
    help = (
        "Back the whole site up into one .tar.gz: every row (issues, users, groups, history) "
        "and every media file. Restore it with restore_site, on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz file to write")

    def handle(self, *args, archive, **options):
        path = Path(archive)
        if path.exists():
            raise CommandError(f"{path} exists already: choose a new file name")
        if not path.parent.is_dir():
            raise CommandError(f"there is no directory {path.parent}")
        manifest = back_up(path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest['issues']} issues, {manifest['items']} items, "
                f"{manifest['users']} users and {len(manifest['media'])} media files "
                f"from {manifest['database']} to {path}."
            )
        )
