"""python manage.py restore_site ARCHIVE.tar.gz"""

from django.core.management.base import BaseCommand, CommandError

from bulletins.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a site from a backup_site archive into this empty, migrated database "
        "(SQLite or PostgreSQL); rebuilds the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz file backup_site wrote")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore(archive)
        except FileNotFoundError:
            raise CommandError(f"there is no file {archive}") from None
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {manifest['issues']} issues, {manifest['items']} items, "
                f"{manifest['users']} users and {len(manifest['media'])} media files "
                f"(backed up from {manifest['database']} at {manifest['created']})."
            )
        )
