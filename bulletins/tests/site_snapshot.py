"""Everything a site is made of, as plain data, to compare two sites (a backup and its restore).

    python manage.py shell -c "from bulletins.tests.site_snapshot import main; main()"

prints it as JSON.
"""

import hashlib
import json

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.files.storage import storages
from reversion.models import Version

from bulletins.backup import _walk
from bulletins.legacy.exporter import issue_for_export, issue_to_dict
from bulletins.models import Issue, Item


def snapshot():
    storage = storages["default"]
    media = {}
    for name in _walk(storage):
        with storage.open(name, "rb") as file:
            media[name] = hashlib.sha256(file.read()).hexdigest()
    return {
        # The export_issue JSON of every issue, and what it leaves out of the issue itself.
        "issues": [
            {
                **issue_to_dict(issue_for_export(number)),
                "published_at": str(published_at),
                "updated_at": str(updated_at),
            }
            for number, published_at, updated_at in Issue.objects.order_by("number").values_list(
                "number", "published_at", "updated_at"
            )
        ],
        "pictures": sorted(
            (
                item.pk,
                item.image.name,
                item.image_alt,
                json.dumps(item.image_renditions, sort_keys=True),
            )
            for item in Item.objects.exclude(image="")
        ),
        "users": [
            {
                "username": user.username,
                "password": user.password,
                "email": user.email,
                "flags": [user.is_active, user.is_staff, user.is_superuser],
                "joined": str(user.date_joined),
                "groups": sorted(user.groups.values_list("name", flat=True)),
                "permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
            }
            for user in User.objects.order_by("username")
        ],
        "groups": {
            group.name: sorted(group.permissions.values_list("codename", flat=True))
            for group in Group.objects.order_by("name")
        },
        "history": sorted(
            (
                version.content_type.model,
                version.object_id,
                version.serialized_data,
                version.revision.comment,
                version.revision.user.username if version.revision.user else None,
                str(version.revision.date_created),
            )
            for version in Version.objects.select_related("revision__user", "content_type")
        ),
        "admin_log": sorted(
            (entry.user.username, entry.object_repr, entry.change_message, str(entry.action_time))
            for entry in LogEntry.objects.select_related("user")
        ),
        "media": media,
    }


def main():
    print(json.dumps(snapshot(), ensure_ascii=False, sort_keys=True, default=str))
