"""python manage.py import_legacy PATH [PATH ...] [--dry-run] [--json] [--number N]
[--date YYYY-MM-DD | --date-from-text] [--title TEXT] [--replace]"""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from bulletins.legacy.importer import import_legacy_many
from bulletins.legacy.progress import Progress
from bulletins.params import ISSUE_NUMBER_MAX, whole_number


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--date must be a date as YYYY-MM-DD, not “{value}”", returncode=2
        ) from None


def _positive(value):
    number = whole_number(value, maximum=ISSUE_NUMBER_MAX)
    if number is None:
        raise CommandError(
            f"--number must be a whole number from 1 to {ISSUE_NUMBER_MAX:,}, not “{value}”",
            returncode=2,
        )
    return number


class Command(BaseCommand):
    help = (
        "Import legacy plain-text issues as drafts. A PATH may be a directory: every *.txt in "
        "it is imported, in name order. Exit status: 0 all imported, 1 some failed, 2 bad usage."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report; write nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object per file.")
        parser.add_argument("--number", type=str, help="Issue number (one file only).")
        parser.add_argument("--date", type=str, help="The date the issue covers, YYYY-MM-DD.")
        parser.add_argument(
            "--date-from-text",
            action="store_true",
            help="Without --date, date each issue from the dates its items mention (the date "
            "the admin's preview suggests); an issue whose text gives none stays undated.",
        )
        parser.add_argument("--title", help="Issue title (default: derived from the file).")
        parser.add_argument(
            "--replace", action="store_true", help="Re-import files imported before."
        )

    @no_translations
    def handle(self, *args, **options):
        number = _positive(options["number"]) if options["number"] else None
        issue_date = _date(options["date"]) if options["date"] else None
        files = self._expand(options["paths"])
        if number and len(files) > 1:
            raise CommandError("--number needs exactly one file", returncode=2)
        counts = {"created": 0, "replaced": 0, "skipped": 0, "parsed": 0, "failed": 0}
        results = import_legacy_many(
            files,
            number=number,
            issue_date=issue_date,
            title=options["title"],
            replace=options["replace"],
            dry_run=options["dry_run"],
            dates_from_text=options["date_from_text"],
        )
        # A line of progress on a terminal; nothing of it in a pipe or a log.
        progress = Progress(self.stderr, len(files)) if len(files) > 1 else None
        for result in results:
            counts[result.status] += 1
            if progress:
                progress.clear()
            if options["json"]:
                self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False))
            else:
                self._report(result)
            if progress:
                progress.advance(result)
        if progress:
            progress.finish()
        if not options["json"]:
            summary = ", ".join(f"{count} {status}" for status, count in counts.items() if count)
            self.stdout.write(f"Summary: {summary or 'nothing to do'}")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} of {len(files)} file(s) failed", returncode=1)

    def _expand(self, paths):
        files = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                found = sorted(
                    p for p in path.iterdir() if p.suffix.lower() == ".txt" and p.is_file()
                )
                if not found:
                    raise CommandError(f"{path}: no *.txt files in this directory", returncode=2)
                files += found
            else:
                files.append(path)
        return files

    def _report(self, result):
        if not result.ok:
            self.stderr.write(self.style.ERROR(f"✗ {result.path}: {result.error}"))
            return
        verb = {
            "created": "imported as draft issue",
            "replaced": "re-imported into issue",
            "skipped": "already imported as issue",
            "parsed": "would be imported as issue",
        }[result.status]
        self.stdout.write(
            self.style.SUCCESS(f"✓ {result.path}: {verb} {result.issue_number}")
            + f" ({result.sections} sections, {result.items} items, "
            f"{len(result.warnings)} warnings)"
        )
        for warning in result.warnings:
            self.stdout.write(f"    ! {warning}")
