"""Back a site up into one archive, and restore it into an empty database: the same or another.

The archive (a .tar.gz) holds everything a site is made of:

- `data.xml`: every row of every app — issues, sections, items, users, groups and their
  permissions, the issues' history (django-reversion's revisions and versions), the admin's
  log, legacy imports — as Django's serializer writes it, with content types, permissions,
  users and groups named by their natural keys, so that it loads into a database whose ids
  for those differ (SQLite into PostgreSQL, say; the editors' groups that `migrate` makes).
  XML rather than JSON: Django's JSON keeps times to the millisecond, XML to the microsecond;
- `media/`: every file in the default storage (pictures and their renditions);
- `manifest.json`: what the archive holds and where it came from.

Left out, because the target rebuilds them: content types and permissions (made by
`migrate`), sessions (everyone logs in again), login-throttling records, the search index
(rebuilt after the restore) and the cache's counters (a restored site starts a new epoch, so
no shared cache can serve the old site's pages for it).
"""

import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from .caching import count_public_change
from .models import Issue, Item
from .search import rebuild_index, tidy_index

FORMAT = 1
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
]


class BackupError(Exception):
    pass


def _walk(storage, folder=""):
    """Every file name in `storage`, under `folder`, through the storage API only."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _excluded_labels():
    labels = set()
    for label in EXCLUDED:
        app = label.split(".")[0]
        if apps.is_installed(app) or any(a.label == app for a in apps.get_app_configs()):
            labels.add(label)
    return sorted(labels)


def _add(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def back_up(path):
    """Write the site's archive to `path`; return its manifest."""
    storage = storages["default"]
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "data.xml"
        call_command(
            "dumpdata",
            format="xml",
            natural_foreign=True,
            natural_primary=True,  # users and groups by name: the roles' groups exist already
            exclude=_excluded_labels(),
            output=str(dump),
            verbosity=0,
        )
        media = sorted(_walk(storage))
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "issues": Issue.objects.count(),
            "items": Item.objects.count(),
            "users": apps.get_model("auth", "User").objects.count(),
            "media": {},
        }
        with tarfile.open(path, "w:gz") as archive:
            archive.add(dump, "data.xml")
            for name in media:
                with storage.open(name, "rb") as file:
                    data = file.read()
                manifest["media"][name] = hashlib.sha256(data).hexdigest()
                _add(archive, f"media/{name}", data)
            _add(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    return manifest


def restore(path):
    """Load the archive at `path` into this (migrated, empty) site; return its manifest.

    The rows load in one transaction; the search index is rebuilt from them. Media files are
    written to the default storage first (a file already there with the same content is kept).
    """
    if Issue.objects.exists() or apps.get_model("auth", "User").objects.exists():
        raise BackupError(
            "this site already has issues or users: restore into an empty database "
            "(a new one, after `migrate`)"
        )
    storage = storages["default"]
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise BackupError(f"not a site archive ({error})") from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        try:
            manifest = json.load(archive.extractfile("manifest.json"))
            data = archive.extractfile("data.xml").read()
        except KeyError as missing:
            raise BackupError(f"not a site archive: {missing} is missing") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        for name, digest in manifest["media"].items():
            content = archive.extractfile(f"media/{name}").read()
            if hashlib.sha256(content).hexdigest() != digest:
                raise BackupError(f"the archive's copy of {name} is damaged")
            if storage.exists(name):
                with storage.open(name, "rb") as existing:
                    if existing.read() == content:
                        continue
                raise BackupError(f"{name} already exists in the storage with other content")
            saved = storage.save(name, ContentFile(content))
            if saved != name:
                raise BackupError(f"the storage saved {name} as {saved}")
        dump = Path(tmp) / "data.xml"
        dump.write_bytes(data)
        with transaction.atomic():
            call_command("loaddata", str(dump), verbosity=0)
            rebuild_index()
            count_public_change()
    tidy_index()
    for cache in caches.all():
        cache.clear()
    return manifest
