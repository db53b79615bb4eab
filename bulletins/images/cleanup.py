"""Remove the files of pictures no item uses any more, once the change that freed them is
committed; and find files in the storage that nothing references (`orphan_media`).

A replaced or cleared picture, or one whose item goes (with its section or issue), is checked
after the transaction commits: a rolled-back save keeps its files, and a picture another item
still uses (the same upload, stored once) stays. Django's cascade sends post_delete for every
item it deletes, so an issue's deletion is covered without code of its own.
"""

import logging
from datetime import timedelta
from functools import partial

from django.db import router, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from . import files
from .fields import replaced_pictures

logger = logging.getLogger(__name__)


def connect(item_model):
    post_save.connect(_after_save, sender=item_model, dispatch_uid="pictures-after-save")
    post_delete.connect(_after_delete, sender=item_model, dispatch_uid="pictures-after-delete")


def _after_save(sender, instance, using, **kwargs):
    names = replaced_pictures(instance)
    if names:
        remove_unused_after_commit(sender, names, using)


def _after_delete(sender, instance, using, **kwargs):
    if instance.image:
        remove_unused_after_commit(sender, {instance.image.name}, using)


def remove_unused_after_commit(item_model, names, using=None):
    using = using or router.db_for_write(item_model)
    transaction.on_commit(partial(remove_unused, item_model, set(names)), using=using, robust=True)


def remove_unused(item_model, names):
    """Delete the files of those pictures (originals and renditions) that no item uses."""
    used = set(item_model.objects.filter(image__in=names).values_list("image", flat=True))
    for name in sorted(set(names) - used):
        try:
            files.delete_picture(name)
        except OSError:
            # The data is committed; a file that cannot be removed now is an orphan that
            # `orphan_media --remove` finds later.
            logger.exception("Could not remove the files of picture %s", name)


def referenced_names(item_model):
    """Every stored name an item uses: originals and the renditions recorded for them."""
    names = set()
    rows = item_model.objects.exclude(image="").values_list("image", "image_renditions")
    for image, record in rows.iterator(chunk_size=2000):
        names.add(image)
        if record:
            names.update(entry["name"] for entry in record.get("webp", []))
            if record.get("share"):
                names.add(record["share"]["name"])
    return names


def walk(folder=""):
    """Every file name in the default storage, through the storage API."""
    storage = files.storage()
    try:
        folders, filenames = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    for filename in filenames:
        yield prefix + filename
    for sub in folders:
        yield from walk(prefix + sub)


def find_orphans(item_model, min_age=timedelta(hours=1)):
    """Return (orphans, recent): unreferenced files, and those too new to call orphans yet.

    A picture is written before the transaction that references it commits: a file younger
    than `min_age` may belong to a save still under way.
    """
    used = referenced_names(item_model)
    storage = files.storage()
    cutoff = timezone.now() - min_age
    orphans, recent = [], []
    for name in walk():
        if name in used:
            continue
        (recent if storage.get_modified_time(name) > cutoff else orphans).append(name)
    return sorted(orphans), sorted(recent)
