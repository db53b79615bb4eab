"""The issue's history in the admin: its revisions, a comparison of two, and a way back."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import editorial
from .history import HistoryError, revert_to, revision_of, revisions_of
from .history.compare import compare, current_snapshot, snapshot
from .models import Issue


def history_url(issue):
    return reverse("admin:bulletins_issue_history", args=[issue.pk])


def compare_url(issue, old, new):
    url = reverse("admin:bulletins_issue_compare", args=[issue.pk])
    return f"{url}?old={old.pk}&new={new.pk}"


class HistoryAdminMixin:
    """Replace the admin's log-based history with the issue's revisions (django-reversion)."""

    def get_urls(self):
        admin_view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/history/compare/",
                admin_view(self.compare_view),
                name="bulletins_issue_compare",
            ),
            path(
                "<int:object_id>/history/<int:revision_id>/revert/",
                admin_view(self.revert_view),
                name="bulletins_issue_revert",
            ),
        ] + super().get_urls()

    def _issue(self, request, object_id):
        issue = get_object_or_404(Issue, pk=object_id)
        if not self.has_view_or_change_permission(request, issue):
            raise PermissionDenied
        return issue

    def _context(self, request, issue, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "title": title,
            "has_change_permission": self.has_change_permission(request, issue),
        }

    def history_view(self, request, object_id, extra_context=None):
        issue = self._issue(request, object_id)
        revisions = revisions_of(issue)
        rows = []
        for index, revision in enumerate(revisions):
            older = revisions[index + 1] if index + 1 < len(revisions) else None
            rows.append(
                {
                    "revision": revision,
                    "compare_url": compare_url(issue, older, revision) if older else "",
                    "revert_url": reverse(
                        "admin:bulletins_issue_revert", args=[issue.pk, revision.pk]
                    )
                    if index
                    else "",
                }
            )
        context = {
            **self._context(request, issue, _("History of %(issue)s") % {"issue": issue}),
            "rows": rows,
            "compare_action": reverse("admin:bulletins_issue_compare", args=[issue.pk]),
        }
        return TemplateResponse(request, "admin/bulletins/issue/history.html", context)

    def compare_view(self, request, object_id):
        issue = self._issue(request, object_id)
        try:
            old_id, new_id = int(request.GET["old"]), int(request.GET["new"])
        except (KeyError, ValueError):
            messages.error(request, _("Choose two versions to compare."))
            return redirect(history_url(issue))
        old, new = revision_of(issue, old_id), revision_of(issue, new_id)
        if old is None or new is None:
            raise Http404(_("This issue has no such version."))
        if old.date_created > new.date_created:
            old, new = new, old
        context = {
            **self._context(request, issue, _("Changes to %(issue)s") % {"issue": issue}),
            "old": old,
            "new": new,
            "comparison": compare(snapshot(old), snapshot(new)),
            "history_url": history_url(issue),
        }
        return TemplateResponse(request, "admin/bulletins/issue/compare.html", context)

    def revert_view(self, request, object_id, revision_id):
        issue = self._issue(request, object_id)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        revision = revision_of(issue, revision_id)
        if revision is None:
            raise Http404(_("This issue has no such version."))
        may_publish = editorial.can_publish(request.user)
        if request.method == "POST":
            try:
                revert_to(issue, revision, user=request.user, keep_publication=not may_publish)
            except HistoryError as error:
                messages.error(
                    request, _("This version cannot be restored: %(reason)s") % {"reason": error}
                )
                return redirect(history_url(issue))
            messages.success(
                request,
                _("The issue is back to its version of %(time)s; that is kept in its history too.")
                % {"time": timezone.localtime(revision.date_created).strftime("%Y-%m-%d %H:%M")},
            )
            return redirect(reverse("admin:bulletins_issue_change", args=[issue.pk]))
        context = {
            **self._context(request, issue, _("Restore a version of %(issue)s") % {"issue": issue}),
            "revision": revision,
            "comparison": compare(current_snapshot(issue), snapshot(revision)),
            "keeps_publication": not may_publish,
            "history_url": history_url(issue),
        }
        return TemplateResponse(request, "admin/bulletins/issue/revert.html", context)
