"""Where pictures live: content-addressed names in the default storage (STORAGES["default"]).

The original of a picture is `images/<2 hex>/<sha256 of the upload>.<ext>`; its renditions
sit beside it as `<same stem>-<width>.webp` and `<same stem>-share-<width>.jpg`. The same
picture uploaded twice therefore gets the same names and is stored once, and everything made
from an original can be found (and removed) from its name alone. Only the storage API is used,
so an object store works as well as MEDIA_ROOT on disk.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import storages

IMAGE_DIR = "images"


def storage():
    return storages["default"]


def original_name(prepared):
    digest = prepared.digest
    return f"{IMAGE_DIR}/{digest[:2]}/{digest}.{prepared.extension}"


def _stem(name):
    return name.rpartition("/")[2].rpartition(".")[0]


def store(prepared):
    """Write the picture's original and renditions unless they are there already.

    Return the original's name and the record of its renditions that readers' pages use,
    so that no page has to ask the storage what exists.
    """
    files = storage()
    name = _save_once(files, original_name(prepared), prepared.original)
    folder = name.rpartition("/")[0]
    record = {"width": prepared.width, "height": prepared.height, "webp": [], "share": None}
    for rendition in prepared.renditions:
        saved = _save_once(files, f"{folder}/{_stem(name)}{rendition.suffix}", rendition.data)
        entry = {"name": saved, "width": rendition.width, "height": rendition.height}
        if rendition.content_type == "image/jpeg":
            record["share"] = {**entry, "bytes": len(rendition.data)}
        else:
            record["webp"].append(entry)
    return name, record


def _save_once(files, name, data):
    if files.exists(name):
        return name
    # Two editors saving the same new picture at once: the storage may pick another name for
    # the second copy, which is then used (and cleaned up) like any other.
    return files.save(name, ContentFile(data))


def files_of(name):
    """The stored names that belong to this original: itself and its renditions."""
    files = storage()
    folder, _, filename = name.rpartition("/")
    if not name.startswith(IMAGE_DIR + "/"):
        # A picture stored before content addressing, without renditions of its own.
        return [name] if files.exists(name) else []
    try:
        _, filenames = files.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = _stem(name) + "-"
    return [f"{folder}/{f}" for f in filenames if f == filename or f.startswith(prefix)]


def delete_picture(name):
    """Remove an original and everything made from it."""
    files = storage()
    for stored in files_of(name):
        files.delete(stored)
