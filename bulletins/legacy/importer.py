"""Save a parsed legacy issue as a draft, in one transaction, once per source file."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..history import record_revision
from ..locks import lock_issue_numbers
from ..models import Issue, Item, Section
from ..search import index_new_items
from .decoding import LegacyDecodeError, decode_legacy_bytes
from .parser import parse_legacy

DEFAULT_TITLE = "一周要闻"


class LegacyImportError(Exception):
    """The file cannot be imported; the message says why, for the editor."""


@dataclass
class ImportResult:
    """What happened to one file; `to_json()` is the shape `import_legacy --json` prints."""

    path: str
    ok: bool = False
    status: str = "failed"  # created | replaced | skipped | parsed | failed
    issue_number: int | None = None
    sections: int = 0
    items: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    parsed: object = None

    def to_json(self):
        return {
            "path": self.path,
            "ok": self.ok,
            "issue_number": self.issue_number,
            "sections": self.sections,
            "items": self.items,
            "warnings": self.warnings,
            "error": self.error,
        }


def source_hash(data):
    return hashlib.sha256(data).hexdigest()


def read_source(path):
    """Read a legacy file's bytes, refusing what is too large before reading it all."""
    path = Path(path)
    limit = settings.LEGACY_IMPORT_MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise LegacyImportError(
                _("the file is %(size).1f MB, over the %(limit).1f MB limit")
                % {"size": size / 1_048_576, "limit": limit / 1_048_576}
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise LegacyImportError(_("no such file")) from None
    except IsADirectoryError:
        raise LegacyImportError(_("this is a directory, not a file")) from None
    except PermissionError:
        raise LegacyImportError(_("the file cannot be read (permission denied)")) from None


def parse_source(data):
    """Decode and parse bytes; raise LegacyImportError with the reason when unusable."""
    if len(data) > settings.LEGACY_IMPORT_MAX_BYTES:
        raise LegacyImportError(
            _("the file is over the %(limit).1f MB limit")
            % {"limit": settings.LEGACY_IMPORT_MAX_BYTES / 1_048_576}
        )
    try:
        text = decode_legacy_bytes(data)
    except LegacyDecodeError as error:
        raise LegacyImportError(str(error)) from None
    parsed = parse_legacy(text)
    if not parsed.ok:
        raise LegacyImportError(parsed.error)
    return parsed


def _shown(text, length=40):
    return text if len(text) <= length else text[:length] + "…"


def _too_long(what, text, limit):
    return LegacyImportError(
        _(
            "%(what)s has %(length)d characters, more than the %(limit)d it may have: "
            "check where the file splits its sections and items"
        )
        % {"what": what, "length": len(text), "limit": limit}
    )


def _refuse_what_would_not_fit(parsed, title):
    """Refuse a file with text longer than its field may hold, rather than cut it: so much text
    in one field is a sign that the file was split in the wrong places."""
    issue_title, limit = title or parsed.title, Issue._meta.get_field("title").max_length
    if len(issue_title) > limit:
        raise _too_long(_("the issue title"), issue_title, limit)
    section_limit = Section._meta.get_field("title").max_length
    item_fields = [Item._meta.get_field(name) for name in ("title", "body", "source", "source_url")]
    for section in parsed.sections:
        if len(section.title) > section_limit:
            what = _("the title of the section “%(title)s”") % {"title": _shown(section.title)}
            raise _too_long(what, section.title, section_limit)
        for item in section.items:
            for model_field in item_fields:
                text = getattr(item, model_field.name)
                if len(text) > model_field.max_length:
                    what = _("the %(field)s of the item “%(title)s”") % {
                        "field": model_field.verbose_name,
                        "title": _shown(item.title),
                    }
                    raise _too_long(what, text, model_field.max_length)


@transaction.atomic
def save_parsed_issue(parsed, *, digest, number=None, issue_date=None, title=None, existing=None):
    """Create a draft issue from a parsed file, or replace the content of `existing`."""
    _refuse_what_would_not_fit(parsed, title)
    if existing is None:
        lock_issue_numbers()  # parallel imports take numbers in turn
        number = number or Issue.objects.next_number()
        if Issue.objects.filter(number=number).exists():
            raise LegacyImportError(
                _("issue number %(number)d is already taken") % {"number": number}
            )
        issue = Issue(number=number, status=Issue.Status.DRAFT)
    else:
        issue = existing
        if number and number != existing.number:
            if Issue.objects.filter(number=number).exclude(pk=existing.pk).exists():
                raise LegacyImportError(
                    _("issue number %(number)d is already taken") % {"number": number}
                )
            issue.number = number
        issue.sections.all().delete()
    issue.title = title or parsed.title or DEFAULT_TITLE
    issue.issue_date = issue_date or (existing.issue_date if existing else None)
    issue.source_hash = digest
    issue.save()
    sections = Section.objects.bulk_create(
        Section(
            issue=issue,
            position=position,
            number=parsed_section.number,
            title=parsed_section.title,
            slug=slugify(parsed_section.title, allow_unicode=True)[:100],
        )
        for position, parsed_section in enumerate(parsed.sections, start=1)
    )
    items = Item.objects.bulk_create(
        Item(
            section=section,
            position=position,
            title=parsed_item.title,
            body=parsed_item.body,
            source=parsed_item.source,
            source_url=parsed_item.source_url,
        )
        for section, parsed_section in zip(sections, parsed.sections, strict=True)
        for position, parsed_item in enumerate(parsed_section.items, start=1)
    )
    index_new_items(items)  # the old items' rows went with them
    record_revision(issue, summary=gettext_lazy("Imported from a legacy file"))
    return issue


def import_legacy_bytes(
    data, *, path, number=None, issue_date=None, title=None, replace=False, dry_run=False
):
    """Import one file's bytes: parse, then save unless already imported or a dry run."""
    result = ImportResult(path=str(path))
    try:
        parsed = parse_source(data)
    except LegacyImportError as error:
        result.error = str(error)
        return result
    result.parsed = parsed
    result.sections = len(parsed.sections)
    result.items = parsed.item_count
    result.warnings = [str(warning) for warning in parsed.warnings]
    digest = source_hash(data)
    existing = Issue.objects.filter(source_hash=digest).first()
    if existing and not replace:
        result.ok, result.status, result.issue_number = True, "skipped", existing.number
        result.warnings.append(
            _("already imported as issue %(number)d") % {"number": existing.number}
        )
        return result
    if issue_date is None and not (existing and existing.issue_date):
        result.warnings.append(_("no date given (--date): the issue has no date"))
    if dry_run:
        result.ok, result.status = True, "parsed"
        result.issue_number = existing.number if existing else number or Issue.objects.next_number()
        return result
    try:
        issue = save_parsed_issue(
            parsed,
            digest=digest,
            number=number,
            issue_date=issue_date,
            title=title,
            existing=existing,
        )
    except LegacyImportError as error:
        result.error = str(error)
        return result
    result.ok, result.issue_number = True, issue.number
    result.status = "replaced" if existing else "created"
    return result


def import_legacy_file(path, **options):
    """Import one file from disk (see import_legacy_bytes)."""
    try:
        data = read_source(path)
    except LegacyImportError as error:
        return ImportResult(path=str(path), error=str(error))
    return import_legacy_bytes(data, path=path, **options)
