"""What an editor uploads to the import desk, file by file: several .txt files or one .zip.

Everything is checked before it is read whole: how many files, how large each one is and all
of them together, what an archive says of its entries (names, sizes, encryption, compression
ratio), and each entry is read no further than the limit whatever its header says, so that
a zip bomb costs nothing. A file that fails a check fails alone, with its reason; a batch that
cannot be read at all (a damaged archive, too many entries) is refused with the reason.
"""

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

# Real text compresses about 3 to 8 times; a ratio past this is a zip bomb, not a bulletin.
MAX_RATIO = 100


def limits():
    """(per file, per archive, all files together, entries of an archive) from the settings.

    All files together are parsed by the upload's request: 25 MB take a few seconds, well
    within a worker's timeout. A selection of files is bounded by Django's own
    DATA_UPLOAD_MAX_NUMBER_FILES (100 by default).
    """
    per_file = settings.LEGACY_IMPORT_MAX_BYTES
    return (
        per_file,
        getattr(settings, "LEGACY_IMPORT_MAX_ARCHIVE_BYTES", 25 * 1024 * 1024),
        getattr(settings, "LEGACY_IMPORT_MAX_BATCH_BYTES", 25 * 1024 * 1024),
        getattr(settings, "LEGACY_IMPORT_MAX_ARCHIVE_FILES", 500),
    )


class BatchError(ValueError):
    """The upload cannot be taken at all; the message says why, for the editor."""


@dataclass
class Upload:
    """One file of a batch: its name and bytes, or why it was refused unread."""

    name: str
    data: bytes | None = None
    error: str | None = None


def _mb(size):
    return f"{size / 1_048_576:.1f}"


def _too_large(size, limit):
    return _("the file is %(size)s MB, over the %(limit)s MB limit") % {
        "size": _mb(size),
        "limit": _mb(limit),
    }


def is_archive(upload):
    return upload.name.lower().endswith(".zip")


def read_batch(uploads):
    """Turn the uploaded files (Django UploadedFile objects) into a list of Upload."""
    per_file, per_archive, in_all, most = limits()
    uploads = list(uploads)
    if not uploads:
        raise BatchError(_("Choose one or more .txt files, or one .zip archive."))
    if any(is_archive(upload) for upload in uploads):
        if len(uploads) > 1:
            raise BatchError(_("Upload either .txt files or one .zip archive, not both."))
        return _read_archive(uploads[0], per_file, per_archive, in_all, most)
    batch, total = [], 0
    for upload in uploads:
        if upload.size > per_file:
            batch.append(Upload(upload.name, error=_too_large(upload.size, per_file)))
            continue
        total += upload.size
        if total > in_all:
            batch.append(Upload(upload.name, error=_over_batch(in_all)))
            continue
        batch.append(Upload(upload.name, data=upload.read()))
    return batch


def _over_batch(in_all):
    return _(
        "not read: the files of one batch may hold %(limit)s MB in all; import this one "
        "in another batch"
    ) % {"limit": _mb(in_all)}


def _entry_name(info):
    """The entry's name as the archiver meant it: archivers on Chinese Windows write GBK names
    without saying so, which zipfile reads as code page 437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unsafe(name):
    """Why an entry's name is not a plain relative path inside the archive, or None."""
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return _("its name is an absolute path")
    if ".." in path.parts:
        return _("its name leads out of the archive (“..”)")
    if any(ord(char) < 32 for char in name):
        return _("its name holds control characters")
    return None


def _ignored(name):
    """Entries that archivers add by themselves (macOS resource forks, folder files)."""
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        "__MACOSX" in path.parts
        or path.name.startswith("._")
        or path.name in (".DS_Store", "Thumbs.db", "desktop.ini")
    )


def _read_archive(upload, per_file, per_archive, in_all, most):
    if upload.size > per_archive:
        raise BatchError(
            _("The archive is %(size)s MB; archives up to %(limit)s MB can be imported.")
            % {"size": _mb(upload.size), "limit": _mb(per_archive)}
        )
    try:
        archive = zipfile.ZipFile(upload)
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise BatchError(
            _("%(name)s is not a ZIP archive that can be read (damaged or another format).")
            % {"name": upload.name}
        ) from None
    entries = [info for info in entries if not _ignored(_entry_name(info))]
    if not entries:
        raise BatchError(_("The archive %(name)s holds no files.") % {"name": upload.name})
    if len(entries) > most:
        raise BatchError(
            _("The archive holds %(count)d files; up to %(most)d can be imported at once.")
            % {"count": len(entries), "most": most}
        )
    batch, total = [], 0
    with archive:
        for info in entries:
            name = _entry_name(info)
            batch.append(_read_entry(archive, info, name, per_file))
            if batch[-1].data is not None:
                total += len(batch[-1].data)
                if total > in_all:
                    batch[-1] = Upload(name, error=_over_batch(in_all))
    return batch


def _read_entry(archive, info, name, per_file):
    """Read one entry, refusing what its header shows to be wrong before reading it, and
    reading at most one byte past the limit whatever the header says."""
    unsafe = _unsafe(name)
    if unsafe:
        return Upload(name, error=_("refused: %(reason)s") % {"reason": unsafe})
    if not name.lower().endswith(".txt"):
        return Upload(name, error=_("not a .txt file: only text files are imported"))
    if info.flag_bits & 0x1:
        return Upload(name, error=_("the file is encrypted"))
    if info.file_size > per_file:
        return Upload(name, error=_too_large(info.file_size, per_file))
    if info.file_size > 1_048_576 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return Upload(name, error=_bomb())
    try:
        with archive.open(info) as stream:
            data = stream.read(per_file + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        return Upload(name, error=_("the file is damaged in the archive and cannot be read"))
    if len(data) > per_file:
        return Upload(name, error=_bomb())  # its header gave a smaller size
    return Upload(name, data=data)


def _bomb():
    return _(
        "refused: it unpacks to far more than it takes in the archive (a “zip bomb”), "
        "or to more than its header says"
    )
