"""The import desk's work, apart from its views: preview a batch, check the editor's choices,
import the chosen files (each in its own transaction) within a request's time budget."""

import time
from dataclasses import asdict
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Issue
from .importer import PendingIndex, find_imported, import_source, warning_texts
from .sources import LegacyImportError, LegacySource, read_legacy
from .suggest import number_from_name, suggest_issue_date
from .types import ParsedIssue, ParsedItem, ParsedSection


def request_budget():
    """Seconds a request of the desk may spend importing before it stops and offers to go on:
    well within the worker timeout (gunicorn's default is 30 s)."""
    return getattr(settings, "LEGACY_IMPORT_REQUEST_SECONDS", 15)


def _parsed_to_json(parsed):
    return {
        "title": parsed.title,
        "sections": [
            {
                "title": section.title,
                "number": section.number,
                "line": section.line,
                "headlines": section.headlines,
                "items": [asdict(item) for item in section.items],
            }
            for section in parsed.sections
        ],
    }


def _parsed_from_json(data):
    return ParsedIssue(
        title=data["title"],
        sections=[
            ParsedSection(
                section["title"],
                section["number"],
                section["line"],
                section["headlines"],
                [ParsedItem(**item) for item in section["items"]],
            )
            for section in data["sections"]
        ],
    )


def preview(batch, uploads):
    """Parse each upload, store what the confirmation needs, and return the manifest rows."""
    rows, seen = [], {}
    for index, upload in enumerate(uploads):
        row = {"n": index, "name": upload.name, "error": upload.error, "duplicate_of": None}
        rows.append(row)
        if upload.error:
            continue
        try:
            source = read_legacy(upload.data)
        except LegacyImportError as error:
            row["error"] = str(error)
            continue
        parsed = source.parsed
        suggestion = suggest_issue_date(parsed)
        row.update(
            key=source.key,
            bytes_key=source.bytes_key,
            title=parsed.title,
            sections=len(parsed.sections),
            items=parsed.item_count,
            outline=[[s.number, s.title, [i.title for i in s.items]] for s in parsed.sections],
            warnings=warning_texts(parsed),
            name_number=number_from_name(upload.name),
            date=suggestion.when.isoformat() if suggestion else None,
            evidence=suggestion.describe() if suggestion else None,
        )
        if source.key in seen:
            row["duplicate_of"] = seen[source.key]
            continue
        seen[source.key] = index
        batch.write(f"{index}.json", _parsed_to_json(parsed))
    _propose_numbers(rows)
    batch.write("manifest.json", {"rows": rows})
    return rows


def _propose_numbers(rows):
    """Give each new file a number: the one its name carries, else the next free ones."""
    importable = [row for row in rows if not row["error"] and row["duplicate_of"] is None]
    existing = {
        issue.source_hash: issue.number
        for issue in Issue.objects.filter(
            source_hash__in=[key for row in importable for key in (row["key"], row["bytes_key"])]
        )
    }
    named = {row["name_number"] for row in importable if row["name_number"]}
    taken = set(Issue.objects.filter(number__in=named).values_list("number", flat=True))
    following = Issue.objects.next_number()
    for row in importable:
        row["existing"] = existing.get(row["key"]) or existing.get(row["bytes_key"])
        if row["existing"]:
            row["number"] = row["existing"]
        elif row["name_number"]:
            row["number"] = row["name_number"]
        else:
            while following in named or following in taken:
                following += 1
            row["number"] = following
            following += 1


def annotate(rows):
    """Add what the database says now: the issue a file was imported as, and taken numbers."""
    importable = [row for row in rows if not row["error"] and row["duplicate_of"] is None]
    keys = [key for row in importable for key in (row["key"], row["bytes_key"])]
    imported = {issue.source_hash: issue for issue in Issue.objects.filter(source_hash__in=keys)}
    numbers = {row["number"] for row in importable if row.get("number")}
    taken = {issue.number: issue for issue in Issue.objects.filter(number__in=numbers)}
    for row in importable:
        row["imported"] = imported.get(row["key"]) or imported.get(row["bytes_key"])
        holder = taken.get(row.get("number"))
        row["taken_by"] = holder if holder and holder != row["imported"] else None
    return rows


def check_choices(rows, forms):
    """Check the rows an editor chose (bound BatchRowForms, one per row, same order); add the
    errors to the forms and return the choices [(row, number, issue_date)], or None."""
    ok = all(form.is_valid() for form in forms)
    chosen = []
    for row, form in zip(rows, forms, strict=True):
        data = getattr(form, "cleaned_data", {})
        if not data.get("selected"):
            continue
        if row["error"] or row["duplicate_of"] is not None:
            form.add_error("selected", _("This file cannot be imported."))
            ok = False
            continue
        if not data.get("number") and "number" not in form.errors:
            form.add_error("number", _("Give the issue a number."))
            ok = False
            continue
        chosen.append((row, form))
    numbers = [form.cleaned_data.get("number") for _row, form in chosen]
    imported = {row["n"]: find_imported([row["key"], row["bytes_key"]]) for row, _form in chosen}
    taken = {
        issue.number: issue
        for issue in Issue.objects.filter(number__in=[number for number in numbers if number])
    }
    for row, form in chosen:
        number = form.cleaned_data.get("number")
        if not number:
            continue
        if numbers.count(number) > 1:
            form.add_error("number", _("Two files of this batch have this number."))
            ok = False
        holder = taken.get(number)
        if holder and holder != imported[row["n"]]:
            form.add_error(
                "number",
                _("No. %(number)d is already taken by “%(title)s”.")
                % {"number": number, "title": holder.title},
            )
            ok = False
    if not ok:
        return None
    return [
        (row, form.cleaned_data["number"], form.cleaned_data.get("issue_date"))
        for row, form in chosen
    ]


def confirm(batch, choices, *, clock=time.monotonic):
    """Import the chosen files in order, each in its own transaction, until the request's time
    budget is spent; return (results, choices left for another request)."""
    started, results = clock(), []
    for position, (row, number, issue_date) in enumerate(choices):
        if results and clock() - started > request_budget():
            return results, choices[position:]
        results.append(_import_row(batch, row, number, issue_date))
    return results, []


def _import_row(batch, row, number, issue_date):
    data = batch.read(f"{row['n']}.json")
    outcome = {"name": row["name"], "status": "failed", "number": None, "error": None}
    if data is None:
        outcome["error"] = _("the file is no longer kept: upload it again")
        return outcome
    source = LegacySource("", _parsed_from_json(data), row["key"], row["bytes_key"])
    existing = find_imported(source.keys)
    with transaction.atomic():
        pending = PendingIndex()
        result = import_source(
            source,
            path=row["name"],
            pending=pending,
            number=number,
            issue_date=issue_date,
            title=None,
            replace=bool(existing and row.get("existing") == existing.number),
            dry_run=False,
            name_numbers=False,
        )
        pending.index()
    batch.remove(f"{row['n']}.json")
    outcome.update(status=result.status, number=result.issue_number, error=result.error)
    return outcome


def choices_to_json(choices):
    return [
        [row["n"], number, issue_date.isoformat() if issue_date else None]
        for row, number, issue_date in choices
    ]


def choices_from_json(rows, data):
    by_index = {row["n"]: row for row in rows}
    return [
        (by_index[n], number, date.fromisoformat(when) if when else None)
        for n, number, when in data
        if n in by_index
    ]
