"""The editors' weekly routine, apart from the admin screens that call it.

Publishing, withdrawing and scheduling are the chief editor's acts (the `publish_issue`
permission); each one touches the issue's `updated_at`, so that feeds and cached pages follow,
and keeps a revision in the issue's history.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .history import record_revision
from .models import Issue, Item, Section

PUBLISH_PERMISSION = "bulletins.publish_issue"


class EditorialError(Exception):
    """The act is refused; the message tells the editor why and what to do."""


def can_publish(user):
    """Whether `user` may publish, unpublish, schedule and delete published issues."""
    return user.has_perm(PUBLISH_PERMISSION)


def missing_date_message(issue):
    return _(
        "No. %(number)d has no issue date: fill in the date the issue covers before publishing it."
    ) % {"number": issue.number}


def empty_sections_warning(issue, *, once_begun=False):
    """A warning naming the issue's sections that have no item yet (readers would see each
    as a heading with nothing under it), or "" when every section has news.

    A week started from the last one has all its sections; one left empty is easily missed.
    `once_begun`: say nothing while no section has news yet (a week just started).
    """
    if once_begun and not Item.objects.filter(section__issue=issue).exists():
        return ""
    titles = list(
        Section.objects.filter(issue=issue, items__isnull=True)
        .order_by("position")
        .values_list("title", flat=True)
    )
    if not titles:
        return ""
    return _("No news yet in %(sections)s: readers would see an empty section.") % {
        "sections": _(", ").join(f"“{title}”" for title in titles)
    }


def _time(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _save_status(issue, user, summary):
    issue.save(update_fields=["status", "published_at", "updated_at"])
    record_revision(issue, user, summary)
    return issue


@transaction.atomic
def publish(issue, *, user=None):
    """Publish `issue` now, or at the time already set for it (which then schedules it)."""
    if not issue.issue_date:
        raise EditorialError(missing_date_message(issue))
    issue.status = Issue.Status.PUBLISHED
    issue.published_at = issue.published_at or timezone.now().replace(microsecond=0)
    if issue.published_at > timezone.now():
        summary = _("Published, scheduled for %(time)s") % {"time": _time(issue.published_at)}
    else:
        summary = _("Published")
    return _save_status(issue, user, summary)


@transaction.atomic
def unpublish(issue, *, user=None):
    """Withdraw `issue` from readers; it becomes a draft again (its publication time is kept)."""
    issue.status = Issue.Status.DRAFT
    return _save_status(issue, user, _("Unpublished"))


@transaction.atomic
def schedule(issue, when, *, user=None):
    """Publish `issue` at `when`: readers see it from that moment on."""
    if not issue.issue_date:
        raise EditorialError(missing_date_message(issue))
    if when is None:
        raise EditorialError(_("Give the time the issue should go live."))
    issue.status = Issue.Status.PUBLISHED
    issue.published_at = when
    return _save_status(issue, user, _("Scheduled for %(time)s") % {"time": _time(when)})


@transaction.atomic
def start_next_issue(source, *, user=None):
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
    record_revision(
        issue, user, _("Started from the sections of No. %(number)d") % {"number": source.number}
    )
    return issue
