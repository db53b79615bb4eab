import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


SHARED_LEGACY = Path(__file__).resolve().parents[2].parent / "shared" / "legacy"
SAMPLE_NAME = "000_ac2c61553267274f.txt"


@pytest.fixture(scope="session")
def legacy_sample_path():
    """The real legacy sample, read from ../shared (third-party text: never copied here)."""
    path = SHARED_LEGACY / SAMPLE_NAME
    if not path.exists():
        message = f"the legacy sample is not at {path} (../shared/legacy beside the checkout)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def legacy_sample_bytes(legacy_sample_path):
    return legacy_sample_path.read_bytes()


@pytest.fixture(scope="session")
def legacy_sample_text(legacy_sample_bytes):
    return legacy_sample_bytes.decode("utf-8")


@pytest.fixture
def editor(client):
    """Log in an editor who may edit bulletins and nothing else."""
    group = Group.objects.create(name="Editors")
    group.permissions.set(Permission.objects.filter(content_type__app_label="bulletins"))
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(group)
    client.force_login(user)
    return client
