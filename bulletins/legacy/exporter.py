"""Write an issue out as JSON or as clean legacy-style text that the importer reads back."""

from ..models import Issue
from .parser import ITEM_MARK

PARAGRAPH_INDENT = "\u3000\u3000"


def issue_for_export(number, queryset=None):
    """Fetch an issue with its sections and items in three queries."""
    queryset = Issue.objects.all() if queryset is None else queryset
    return queryset.prefetch_related("sections__items").get(number=number)


def issue_to_dict(issue, *, build_url=None):
    """The JSON shape of an issue (`export_issue --format json`, and the API's detail)."""
    data = {
        "number": issue.number,
        "title": issue.title,
        "issue_date": issue.issue_date.isoformat() if issue.issue_date else None,
        "status": issue.status,
        "sections": [],
    }
    if build_url:
        data["url"] = build_url(issue.get_absolute_url())
    for section in issue.sections.all():
        items = list(section.items.all())
        exported = []
        for item in items:
            entry = {
                "title": item.title,
                "body": "\n".join(item.paragraphs),
                "source": item.source,
                "source_url": item.source_url,
            }
            if build_url:
                item.section = section
                section.issue = issue
                entry["url"] = build_url(item.get_absolute_url())
            exported.append(entry)
        data["sections"].append(
            {
                "number": section.number,
                "title": section.title,
                "headlines": [item.title for item in items],
                "items": exported,
            }
        )
    return data


def issue_to_text(issue):
    """Legacy-style text: numbered sections, headline lists with dot leaders, ■ items.

    Each paragraph is one line, indented with two ideographic spaces as Chinese print does,
    which tells the importer where paragraphs begin.
    """
    lines = [issue.title, ""]
    for position, section in enumerate(issue.sections.all(), start=1):
        items = list(section.items.all())
        lines += [f"{section.number or position} {section.title}", ""]
        for item in items:
            lines += [item.title, ""]
        for _ in items:
            lines += ["··", ""]
        for item in items:
            lines.append(f"{ITEM_MARK} {item.title}")
            lines += [PARAGRAPH_INDENT + paragraph for paragraph in item.paragraphs]
            lines.append("")
    return "\n".join(lines)
