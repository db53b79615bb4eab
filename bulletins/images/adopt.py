"""Bring pictures stored before renditions existed under the rules of today's uploads."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import files
from .processing import prepare


def pictures_without_renditions(item_model):
    return item_model.objects.exclude(image="").filter(image_renditions__isnull=True)


def adopt(item):
    """Check, clean and re-store one item's picture by its content, with renditions.

    Return None when done, or why not (the message an editor would have seen for an upload,
    or a missing file). The old file goes once the change commits, if nothing else uses it;
    the item's issue is stamped as changed, since its pages now show the renditions.
    """
    storage = files.storage()
    name = item.image.name
    if not storage.exists(name):
        return f"the file {name} is missing"
    with storage.open(name) as stored:
        try:
            prepared = prepare(stored)
        except ValidationError as refusal:
            return " ".join(refusal.messages)
    from bulletins.models import Issue

    with transaction.atomic():
        item.image = prepared.as_file()
        item.save()
        Issue.objects.filter(sections__items=item).update(updated_at=timezone.now())
    return None
