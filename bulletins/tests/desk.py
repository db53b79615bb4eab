"""Helpers for the import desk's tests: upload files, read the preview, confirm rows."""

import io
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

UPLOAD_URL = reverse("admin:bulletins_issue_import_legacy")


def upload(client, *files):
    """Upload (name, bytes) pairs; return the response, followed to the preview."""
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post(UPLOAD_URL, {"files": uploads}, follow=True)


def make_zip(entries, *, utf8_names=True):
    """A .zip of (name, bytes) pairs; with `utf8_names` false, names are GBK as Chinese
    Windows archivers write them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = (zipfile.ZipInfo if utf8_names else _GBKName)(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


class _GBKName(zipfile.ZipInfo):
    """An entry whose name is written in GBK without the UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def rows(response):
    """The preview's rows, as {name: row dict} from the context."""
    return {row["name"]: row for row in response.context["rows"]}


def batch_url(response):
    if response.redirect_chain:
        return response.redirect_chain[-1][0]
    return response.request["PATH_INFO"]


def confirm(client, response, choices):
    """Post the preview with `choices`: {name: (number, "YYYY-MM-DD" or "")} for ticked rows;
    the other rows go unticked. Returns the response, followed."""
    data = {}
    for row in response.context["rows"]:
        prefix = f"row-{row['n']}"
        if row["name"] in choices:
            number, when = choices[row["name"]]
            data.update({f"{prefix}-selected": "on", f"{prefix}-number": number})
            data[f"{prefix}-issue_date"] = when
        else:
            data[f"{prefix}-number"] = row.get("number") or ""
    data["confirm"] = "1"
    return client.post(batch_url(response), data, follow=True)


def text_of(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
