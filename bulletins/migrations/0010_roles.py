"""The editorial roles: the groups 编辑 (editor) and 主编 (chief editor), and their permissions.

The group names are a contract (deployment scripts add people to them). Editors write and
import drafts; chief editors may also publish, unpublish, schedule and delete published issues
(the `publish_issue` permission).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "编辑"
CHIEF_EDITOR = "主编"
MODELS = ["issue", "section", "item"]
EDITOR_PERMISSIONS = [
    f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
]
CHIEF_EDITOR_PERMISSIONS = [*EDITOR_PERMISSIONS, "publish_issue"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups need them now.
    app_config = apps.get_app_config("bulletins")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [(EDITOR, EDITOR_PERMISSIONS), (CHIEF_EDITOR, CHIEF_EDITOR_PERMISSIONS)]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="bulletins", codename__in=codenames
            )
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, CHIEF_EDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0015_issue_changes_counter"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="issue",
            options={
                "ordering": ["-number"],
                "permissions": [
                    (
                        "publish_issue",
                        "Can publish, unpublish and schedule issues, and delete published ones",
                    )
                ],
                "verbose_name": "issue",
                "verbose_name_plural": "issues",
            },
        ),
        migrations.RunPython(create_groups, remove_groups),
    ]
