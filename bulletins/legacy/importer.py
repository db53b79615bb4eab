"""Save parsed legacy issues as drafts, each file all or nothing, once per text."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..history import record_revision
from ..locks import lock_issue_numbers
from ..models import Issue, Item, Section
from ..search import index_new_items
from .sources import LegacyImportError, read_legacy, read_source
from .suggest import number_from_name, suggest_issue_date

DEFAULT_TITLE = "一周要闻"
# Files whose rows go to the database in one transaction (each file in its own savepoint):
# one commit and one pass of the search index for the lot rather than for each file.
CHUNK_SIZE = 50
CHUNK_BYTES = 20 * 1024 * 1024  # characters of text held, parsed, for a chunk at most


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


def find_imported(keys):
    """The issue imported before from a text with one of these keys, if any."""
    return Issue.objects.filter(source_hash__in=[key for key in keys if key]).first()


def warning_texts(parsed):
    """The parser's warnings as text, with a count of those left out."""
    texts = [str(warning) for warning in parsed.warnings]
    if parsed.warnings_left_out:
        texts.append(
            _("… and %(count)d more warnings, not shown") % {"count": parsed.warnings_left_out}
        )
    return texts


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


def _taken(number):
    return LegacyImportError(_("issue number %(number)d is already taken") % {"number": number})


@transaction.atomic
def save_parsed_issue(
    parsed, *, digest, number=None, issue_date=None, title=None, existing=None, index=True
):
    """Create a draft issue from a parsed file, or replace the content of `existing`; return
    the issue and its new items. With `index=False` the caller indexes the items (in the same
    transaction), e.g. those of many files in one pass."""
    _refuse_what_would_not_fit(parsed, title)
    if existing is None:
        lock_issue_numbers()  # parallel imports take numbers in turn
        number = number or Issue.objects.next_number()
        if Issue.objects.filter(number=number).exists():
            raise _taken(number)
        issue = Issue(number=number, status=Issue.Status.DRAFT)
    else:
        issue = existing
        if number and number != existing.number:
            if Issue.objects.filter(number=number).exclude(pk=existing.pk).exists():
                raise _taken(number)
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
    if index:
        index_new_items(items)  # the old items' rows went with them
    _hold_in_memory(issue, sections, items)
    record_revision(issue, summary=gettext_lazy("Imported from a legacy file"))
    return issue, items


def _hold_in_memory(issue, sections, items):
    """Give the issue its new sections, and each section its items, as if prefetched: the
    revision follows them from memory rather than reading each section's items back
    (half the cost of recording an imported issue's revision)."""
    by_section = {section.pk: [] for section in sections}
    for item in items:
        by_section[item.section_id].append(item)
    _prefetched(issue, "sections", sections)
    for section in sections:
        _prefetched(section, "items", by_section[section.pk])


def _prefetched(instance, name, objects):
    manager = getattr(instance, name)
    queryset = manager.all()
    queryset._result_cache, queryset._prefetch_done = list(objects), True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[manager.field.remote_field.cache_name] = queryset


@dataclass
class PendingIndex:
    """New items of a chunk, by issue, waiting for the chunk's one pass of the search index."""

    items: dict = field(default_factory=dict)

    def add(self, issue, items):
        self.items[issue.pk] = items  # a replaced issue's earlier items are gone

    def index(self):
        index_new_items([item for items in self.items.values() for item in items])


class KnownSources:
    """The issues imported before from the texts of a chunk, found in one query, and those the
    chunk imports as it goes (a copy later in the same chunk finds them here)."""

    def __init__(self, sources):
        keys = [key for source in sources for key in source.keys if key]
        self.issues = {
            issue.source_hash: issue for issue in Issue.objects.filter(source_hash__in=keys)
        }

    def find(self, keys):
        return next((self.issues[key] for key in keys if key in self.issues), None)

    def add(self, key, issue):
        self.issues[key] = issue


def import_source(
    source,
    *,
    path,
    pending,
    number,
    issue_date,
    title,
    replace,
    dry_run,
    name_numbers,
    known=None,
    dates_from_text=False,
):
    """Import one parsed source (see import_legacy_many); its writes are all or nothing."""
    result = ImportResult(path=str(path), parsed=source.parsed)
    parsed = source.parsed
    result.sections = len(parsed.sections)
    result.items = parsed.item_count
    result.warnings = warning_texts(parsed)
    existing = known.find(source.keys) if known else find_imported(source.keys)
    if existing and not replace:
        result.ok, result.status, result.issue_number = True, "skipped", existing.number
        result.warnings.append(
            _("already imported as issue %(number)d") % {"number": existing.number}
        )
        return result
    named = number is None and existing is None and name_numbers
    if named:
        number = number_from_name(path)
        named = number is not None
    if issue_date is None and not (existing and existing.issue_date):
        suggestion = suggest_issue_date(parsed)
        if suggestion and dates_from_text:
            issue_date = suggestion.when
            result.warnings.append(
                _("dated %(date)s, %(evidence)s")
                % {"date": suggestion.when.isoformat(), "evidence": suggestion.describe()}
            )
        else:
            result.warnings.append(_("no date given (--date): the issue has no date"))
            if suggestion:
                result.warnings.append(
                    _("the text suggests %(date)s (--date-from-text takes it): %(evidence)s")
                    % {"date": suggestion.when.isoformat(), "evidence": suggestion.describe()}
                )
    if dry_run:
        result.ok, result.status = True, "parsed"
        result.issue_number = existing.number if existing else number or Issue.objects.next_number()
        return result
    try:
        issue, items = save_parsed_issue(
            parsed,
            digest=source.key,
            number=number,
            issue_date=issue_date,
            title=title,
            existing=existing,
            index=False,
        )
    except LegacyImportError as error:
        result.error = str(error)
        if named:
            result.error += " " + _("(the number comes from the file name)")
        return result
    pending.add(issue, items)
    if known:
        known.add(source.key, issue)
    result.ok, result.issue_number = True, issue.number
    result.status = "replaced" if existing else "created"
    return result


def _read(path, data):
    """(LegacySource, None), or (None, ImportResult of the failure)."""
    try:
        if data is None:
            data = read_source(path)
        return read_legacy(data), None
    except LegacyImportError as error:
        return None, ImportResult(path=str(path), error=str(error))


def import_legacy_many(
    files,
    *,
    number=None,
    issue_date=None,
    title=None,
    replace=False,
    dry_run=False,
    name_numbers=True,
    dates_from_text=False,
    chunk_size=None,
):
    """Import files, given as paths or (name, bytes) pairs; yield each file's ImportResult.

    Without `number`, a file whose name carries one (`第123期.txt`, `No.123.txt`, `123.txt`)
    becomes that issue, unless `name_numbers` is false; other files take the next free number.
    Without `issue_date`, with `dates_from_text`, an issue is dated as the dates its items
    mention suggest (see `suggest.suggest_issue_date`); otherwise the suggestion is a warning.

    Each file is all or nothing (a savepoint of its own); files are committed `chunk_size`
    at a time, with one pass of the search index over the new items of the chunk, and their
    results are yielded once committed. A chunk's files are read and parsed before its
    transaction begins, so that the database is held only while they are written. A failure
    of the database ends the import with the chunk under way rolled back, and the files
    before it imported.
    """
    files, chunk_size = list(files), chunk_size or CHUNK_SIZE
    options = dict(
        number=number,
        issue_date=issue_date,
        title=title,
        replace=replace,
        dry_run=dry_run,
        name_numbers=name_numbers,
        dates_from_text=dates_from_text,
    )
    for chunk in _chunks(files, chunk_size):
        known = KnownSources([source for _path, source, _failure in chunk if source])
        results, pending = [], PendingIndex()
        with transaction.atomic():
            for path, source, failure in chunk:
                if failure:
                    results.append(failure)
                    continue
                results.append(
                    import_source(source, path=path, pending=pending, known=known, **options)
                )
            pending.index()
        yield from results


def _chunks(files, size):
    """Read and parse the files a chunk at a time, before its transaction begins: (path,
    LegacySource or None, failed ImportResult or None) for at most `size` files or
    CHUNK_BYTES of them."""
    chunk, held = [], 0
    for entry in files:
        path, data = entry if isinstance(entry, tuple) else (entry, None)
        source, failure = _read(path, data)
        chunk.append((path, source, failure))
        held += len(source.text) if source else 0
        if len(chunk) >= size or held >= CHUNK_BYTES:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def import_legacy_bytes(data, *, path, **options):
    """Import one file's bytes: parse, then save unless already imported or a dry run."""
    return next(import_legacy_many([(path, data)], **options))


def import_legacy_file(path, **options):
    """Import one file from disk (see import_legacy_many)."""
    return next(import_legacy_many([path], **options))
