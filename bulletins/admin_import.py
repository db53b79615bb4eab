"""The admin's 导入旧版期刊 screen: upload a legacy file, preview what it holds, confirm."""

import base64
import secrets
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .forms import LegacyUploadForm
from .history import acting_user
from .legacy.importer import LegacyImportError, find_imported, import_legacy_bytes, read_legacy
from .models import Issue

_SESSION_KEY = "legacy-import"


class LegacyImportMixin:
    """Add the legacy import screen to the issue admin."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_legacy_view)
        return [
            path("import-legacy/", view, name="bulletins_issue_import_legacy")
        ] + super().get_urls()

    def import_legacy_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request)
        form = LegacyUploadForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a legacy issue"),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                source = read_legacy(data)
            except LegacyImportError as error:
                form.add_error(
                    "file", _("%(name)s: %(reason)s") % {"name": upload.name, "reason": error}
                )
            else:
                token = secrets.token_urlsafe(16)
                request.session[_SESSION_KEY] = {
                    "token": token,
                    "name": upload.name,
                    "data": base64.b64encode(data).decode("ascii"),
                    "number": form.cleaned_data["number"],
                    "issue_date": form.cleaned_data["issue_date"].isoformat()
                    if form.cleaned_data["issue_date"]
                    else None,
                    "title": form.cleaned_data["title"],
                    "replace": form.cleaned_data["replace"],
                }
                context.update(
                    parsed=source.parsed,
                    token=token,
                    file_name=upload.name,
                    existing=find_imported(source.keys),
                    replace=form.cleaned_data["replace"],
                )
        return TemplateResponse(request, "admin/bulletins/issue/import_legacy.html", context)

    def _confirm(self, request):
        pending = request.session.get(_SESSION_KEY)
        if not pending or pending["token"] != request.POST.get("token"):
            messages.error(request, _("The upload has expired; please choose the file again."))
            return redirect("admin:bulletins_issue_import_legacy")
        del request.session[_SESSION_KEY]
        with acting_user(request.user):  # the import's revision names who imported
            result = import_legacy_bytes(
                base64.b64decode(pending["data"]),
                path=pending["name"],
                number=pending["number"],
                issue_date=date.fromisoformat(pending["issue_date"])
                if pending["issue_date"]
                else None,
                title=pending["title"] or None,
                replace=pending["replace"],
            )
        if not result.ok:
            messages.error(
                request,
                _("%(name)s: %(reason)s") % {"name": pending["name"], "reason": result.error},
            )
            return redirect("admin:bulletins_issue_import_legacy")
        issue = Issue.objects.get(number=result.issue_number)
        if result.status == "skipped":
            messages.warning(
                request,
                _("This file was already imported as issue %(number)d.") % {"number": issue.number},
            )
        else:
            messages.success(
                request,
                _(
                    "Imported as draft issue %(number)d: %(sections)d sections, "
                    "%(items)d items. Review it below."
                )
                % {"number": issue.number, "sections": result.sections, "items": result.items},
            )
        return redirect(reverse("admin:bulletins_issue_change", args=[issue.pk]))
