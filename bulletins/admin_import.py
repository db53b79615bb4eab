"""The admin's import desk (导入旧版期刊): upload many legacy files or one .zip, preview them as a
table, confirm the chosen ones, see what was created, skipped and failed.

The batch lives in server-side files tied to the editor's session (`legacy.spool`) from the
upload to the confirmation, so that no error ever asks for the files again; the views only
select and render (`legacy.desk` does the work).
"""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from .history import acting_user
from .legacy import desk, spool
from .legacy.forms import BatchRowForm, LegacyUploadForm
from .legacy.spool import Batch
from .models import Issue


class LegacyImportMixin:
    """Add the import desk to the issue admin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "import-legacy/",
                wrap(self.import_legacy_view),
                name="bulletins_issue_import_legacy",
            ),
            path(
                "import-legacy/<str:token>/",
                wrap(self.import_legacy_batch_view),
                name="bulletins_issue_import_legacy_batch",
            ),
            path(
                "import-legacy/<str:token>/done/",
                wrap(self.import_legacy_result_view),
                name="bulletins_issue_import_legacy_result",
            ),
        ] + super().get_urls()

    def _desk_context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def _desk_render(self, request, template, context):
        return TemplateResponse(request, f"admin/bulletins/issue/{template}.html", context)

    def import_legacy_view(self, request):
        """Upload: read and check the files, keep them server-side, show the preview."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        spool.sweep()  # batches left for more than a day, of any session
        posted = request.method == "POST"
        form = LegacyUploadForm(request.POST, request.FILES) if posted else LegacyUploadForm()
        if posted and form.is_valid():
            batch = Batch.create(request)
            desk.preview(batch, form.batch)
            return redirect("admin:bulletins_issue_import_legacy_batch", batch.token)
        context = self._desk_context(request, _("Import legacy issues"), form=form)
        return self._desk_render(request, "import_legacy", context)

    def _desk_batch(self, request, token):
        if not self.has_add_permission(request):
            raise PermissionDenied
        batch = Batch.find(request, token)
        if batch is None:
            messages.error(
                request,
                _("This batch is no longer kept (imported, or older than a day): upload again."),
            )
        return batch

    def import_legacy_batch_view(self, request, token):
        """The preview table; its POST imports the ticked rows (or goes on with them)."""
        batch = self._desk_batch(request, token)
        if batch is None:
            return redirect("admin:bulletins_issue_import_legacy")
        manifest = batch.read("manifest.json")
        if manifest is None:
            if batch.read("result.json"):
                return redirect("admin:bulletins_issue_import_legacy_result", token)
            messages.warning(request, _("This batch is being imported in another window."))
            return redirect("admin:bulletins_issue_import_legacy")
        rows = manifest["rows"]
        if request.method == "POST" and "continue" in request.POST:
            choices = desk.choices_from_json(rows, manifest.get("pending", []))
            return self._desk_confirm(request, batch, manifest, choices)
        if request.method == "POST":
            forms = [BatchRowForm(request.POST, prefix=f"row-{row['n']}") for row in rows]
            choices = desk.check_choices(rows, forms)
            if choices is not None:
                if not choices:
                    messages.warning(request, _("No file was ticked: nothing was imported."))
                else:
                    return self._desk_confirm(request, batch, manifest, choices)
        else:
            forms = [self._desk_row_form(row) for row in rows]
        desk.annotate(rows)
        names = {row["n"]: row["name"] for row in rows}
        for row, form in zip(rows, forms, strict=True):
            row["form"] = form
            row["duplicate_name"] = names.get(row["duplicate_of"])
        errors = any(form.errors for form in forms)
        context = self._desk_context(
            request, _("Preview of the batch"), rows=rows, errors=errors, token=token
        )
        return self._desk_render(request, "import_legacy_preview", context)

    def _desk_row_form(self, row):
        importable = not row["error"] and row["duplicate_of"] is None
        initial = {
            "selected": importable and not row.get("existing"),
            "number": row.get("number"),
            "issue_date": row.get("date"),
        }
        return BatchRowForm(initial=initial, prefix=f"row-{row['n']}")

    def _desk_confirm(self, request, batch, manifest, choices):
        if not batch.claim():
            messages.warning(request, _("This batch is being imported in another window."))
            return redirect("admin:bulletins_issue_import_legacy")
        try:
            with acting_user(request.user):  # the imports' revisions name who imported
                results, left = desk.confirm(batch, choices)
            done = batch.read("result.json", {"results": []})
            done["results"] += results
            done["remaining"] = len(left)
            batch.write("result.json", done)
            manifest["pending"] = desk.choices_to_json(left)
        finally:
            batch.write("confirming.json", manifest)
            batch.release()
        if not left:
            batch.remove("manifest.json")  # the files' data went with their import
        return redirect("admin:bulletins_issue_import_legacy_result", batch.token)

    def import_legacy_result_view(self, request, token):
        batch = self._desk_batch(request, token)
        if batch is None:
            return redirect("admin:bulletins_issue_import_legacy")
        done = batch.read("result.json")
        if done is None:
            return redirect("admin:bulletins_issue_import_legacy_batch", token)
        results = done["results"]
        issues = Issue.objects.in_bulk(
            [row["number"] for row in results if row["number"]], field_name="number"
        )
        for row in results:
            row["issue"] = issues.get(row["number"])
        counts = Counter(
            "created" if row["status"] in ("created", "replaced") else row["status"]
            for row in results
        )
        context = self._desk_context(
            request,
            _("Imported legacy issues"),
            results=results,
            counts={key: counts.get(key, 0) for key in ("created", "skipped", "failed")},
            remaining=done.get("remaining", 0),
            token=token,
        )
        return self._desk_render(request, "import_legacy_result", context)
