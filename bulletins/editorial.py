"""The editors' weekly routine, apart from the admin screens that call it."""

from datetime import timedelta

from django.db import transaction

from .models import Issue, Section


@transaction.atomic
def start_next_issue(source):
    """Create the draft that follows `source`: its title and its sections, without items.

    Every week repeats the same sections, and their slugs must stay the same for readers to
    follow a section across issues; copying them spares the editor retyping both. The draft
    takes the next free number and, when `source` covers a date, the date a week later.
    """
    issue = Issue.objects.create(
        number=Issue.objects.next_number(),
        title=source.title,
        issue_date=source.issue_date + timedelta(weeks=1) if source.issue_date else None,
        status=Issue.Status.DRAFT,
    )
    Section.objects.bulk_create(
        Section(
            issue=issue,
            position=section.position,
            number=section.number,
            title=section.title,
            slug=section.slug,
        )
        for section in source.sections.order_by("position")
    )
    return issue
