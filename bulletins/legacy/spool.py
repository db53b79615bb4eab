"""Where the import desk keeps a batch between its preview and its confirmation: files in a
folder of the server, tied to the editor's session (not in the session row, which every
request loads), removed after confirmation or after a day.

    <LEGACY_IMPORT_SPOOL_DIR>/<hash of the session key>/<token>/
        manifest.json   the rows of the preview: names, keys, counts, warnings, suggestions
        <n>.json        the parsed issue of row n, until it is imported
        result.json     what the confirmation did, for the result page
"""

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings

MAX_AGE = 24 * 60 * 60  # seconds a batch is kept
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def root():
    return Path(
        getattr(settings, "LEGACY_IMPORT_SPOOL_DIR", Path(settings.BASE_DIR) / "var" / "imports")
    )


def _owner(request):
    """The folder of this session's batches: a hash of the session key, never the key."""
    session = request.session
    if session.session_key is None:
        session.save()
    return hashlib.sha256(session.session_key.encode()).hexdigest()[:32]


class Batch:
    """A batch of the desk, as files in its folder."""

    def __init__(self, folder):
        self.folder = folder
        self.token = folder.name

    @classmethod
    def create(cls, request):
        sweep()
        folder = root() / _owner(request) / secrets.token_urlsafe(16)
        folder.mkdir(parents=True, mode=0o700)
        return cls(folder)

    @classmethod
    def find(cls, request, token):
        """This session's batch of that token, or None (expired, confirmed, someone else's)."""
        if not _TOKEN.fullmatch(token or ""):
            return None
        folder = root() / _owner(request) / token
        if not folder.is_dir() or time.time() - folder.stat().st_mtime > MAX_AGE:
            return None
        return cls(folder)

    def _path(self, name):
        return self.folder / name

    def write(self, name, data):
        """Write a JSON file whole or not at all (a crash leaves the old one)."""
        path = self._path(name)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)

    def read(self, name, default=None):
        try:
            return json.loads(self._path(name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return default

    def remove(self, name):
        self._path(name).unlink(missing_ok=True)

    def claim(self):
        """Take the batch for a confirmation; False if another request has it (double click)."""
        try:
            os.rename(self._path("manifest.json"), self._path("confirming.json"))
        except FileNotFoundError:
            return False
        return True

    def release(self):
        os.replace(self._path("confirming.json"), self._path("manifest.json"))

    def delete(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def sweep(now=None):
    """Remove the batches older than a day, of every session."""
    now = time.time() if now is None else now
    base = root()
    if not base.is_dir():
        return
    for owner in base.iterdir():
        for folder in owner.iterdir() if owner.is_dir() else ():
            if now - folder.stat().st_mtime > MAX_AGE:
                shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            owner.rmdir()  # only when empty
