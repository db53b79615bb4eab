"""python manage.py export_issue NUMBER --format json|text"""

import json

from django.core.management.base import BaseCommand, CommandError, no_translations

from bulletins.legacy.exporter import issue_for_export, issue_to_dict, issue_to_text
from bulletins.models import Issue


class Command(BaseCommand):
    help = "Print an issue as JSON, or as legacy-style text that import_legacy reads back."

    def add_arguments(self, parser):
        parser.add_argument("number", type=int)
        parser.add_argument("--format", choices=["json", "text"], default="json")

    @no_translations
    def handle(self, *args, number, format, **options):
        try:
            issue = issue_for_export(number)
        except Issue.DoesNotExist:
            raise CommandError(f"there is no issue number {number}") from None
        if format == "json":
            self.stdout.write(json.dumps(issue_to_dict(issue), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(issue_to_text(issue))
