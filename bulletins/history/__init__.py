"""Every issue keeps its history: who changed what, when, and a way back (django-reversion).

A revision holds the whole issue: the issue, its sections and their items (reversion's
`follow`). Revisions are recorded explicitly, once a change is complete, by
`record_revision`; reversion's automatic recording on `post_save` would snapshot rows half-way
through a save (parked positions), so it is off (`manage_manually`).
"""

import contextvars
from contextlib import contextmanager

import reversion
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reversion.errors import RevertError
from reversion.models import Version

_acting_user = contextvars.ContextVar("newsroom-acting-user", default=None)


def register_models():
    """Register the bulletin models with reversion (called once, from the app's ready())."""
    from ..models import Issue, Item, Section

    if not reversion.is_registered(Issue):
        reversion.register(Issue, follow=["sections"])
        reversion.register(Section, follow=["items"])
        reversion.register(Item)


@contextmanager
def acting_user(user):
    """Name `user` as the author of the revisions recorded inside the block (e.g. an import)."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def record_revision(issue, user=None, summary=""):
    """Keep the issue as it is now, with its sections and items, as a revision.

    Call it at the end of a change, inside the change's transaction. `user` defaults to the
    one named by an enclosing `acting_user` block; `summary` is a line for the history list.
    """
    if user is None:
        user = _acting_user.get()
    with reversion.create_revision(manage_manually=True):
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        with translation.override(settings.LANGUAGE_CODE):  # commands run untranslated
            reversion.set_comment(str(summary)[:500])
        reversion.add_to_revision(issue)


def revisions_of(issue):
    """The issue's revisions, newest first, each with its author."""
    versions = Version.objects.get_for_object(issue).select_related("revision__user")
    return [version.revision for version in versions.order_by("-revision__date_created", "-pk")]


def latest_revision(issue):
    revisions = (
        Version.objects.get_for_object(issue)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")[:1]
    )
    return revisions[0].revision if revisions else None


def revision_of(issue, revision_id):
    """The revision `revision_id` of `issue`, or None when it holds no version of the issue."""
    version = (
        Version.objects.get_for_object(issue)
        .select_related("revision__user")
        .filter(revision_id=revision_id)
        .first()
    )
    return version.revision if version else None


def revision_with_stamp(issue, updated_at, *, look_back=50):
    """The revision that kept the issue as it was when its `updated_at` was `updated_at`."""
    versions = (
        Version.objects.get_for_object(issue)
        .select_related("revision__user")
        .order_by("-pk")[:look_back]
    )
    # Versions are JSON, which keeps times to the millisecond.
    wanted = updated_at.replace(microsecond=updated_at.microsecond // 1000 * 1000)
    for version in versions:
        if version.field_dict.get("updated_at") == wanted:
            return version.revision
    return None


class HistoryError(Exception):
    """A revert cannot be done; the message says why."""


@transaction.atomic
def revert_to(issue, revision, *, user, keep_publication=False):
    """Bring `issue`, its sections and items back to `revision`, and record that as a revision.

    reversion writes the rows raw (no `save()`): `updated_at` is set here, and the issue
    re-indexed for search, in the same transaction. Positions are parked first, so that
    restoring them never collides with the current ones. With `keep_publication`, the issue's
    status and publication time stay as they are now (for editors who may not publish).
    """
    from ..models import Issue
    from ..ordering import park_positions
    from ..search import index_issue

    current = Issue.objects.select_for_update().get(pk=issue.pk)
    park_positions(current)
    try:
        revision.revert(delete=True)
    except RevertError as error:
        raise HistoryError(str(error)) from None
    fields = {"updated_at": timezone.now()}
    if keep_publication:
        fields.update(status=current.status, published_at=current.published_at)
    Issue.objects.filter(pk=issue.pk).update(**fields)
    restored = Issue.objects.get(pk=issue.pk)
    index_issue(restored)
    when = timezone.localtime(revision.date_created).strftime("%Y-%m-%d %H:%M")
    record_revision(restored, user, _("Reverted to the version of %(time)s") % {"time": when})
    return restored
