import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import caches
from django.db import connection


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _search_time_budget(settings):
    """Searches in tests are small but may run on a busy machine: a budget they never meet by
    accident (tests of the budget set their own)."""
    settings.SEARCH_TIME_BUDGET = 30


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start each test with an empty cache: the database rolls back after each test, and its
    counts of changes with it, so pages cached by the last test would match the next's."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _public_changes_counted_at_once(request):
    """On PostgreSQL the database counts changes to published content (the page cache's
    validator, migration 0013) as their transaction commits; a test's transaction is rolled
    back, never committed, so there it counts them at each statement instead."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = "db" in request.fixturenames or marker is not None
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not uses_db or transactional:
        return
    request.getfixturevalue("db")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SET CONSTRAINTS bulletins_issue_counts, bulletins_section_counts, "
                "bulletins_item_counts IMMEDIATE"
            )


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


def _member_of(group_name, username):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))  # made by migration 0010
    return user


@pytest.fixture
def staff_editor(client):
    """Log in a member of the editors' group 编辑: writes drafts, may not publish."""
    client.force_login(_member_of("编辑", "bianji"))
    return client


@pytest.fixture
def chief_editor(client):
    """Log in a member of the chief editors' group 主编: may also publish and delete."""
    client.force_login(_member_of("主编", "zhubian"))
    return client


from .browsing import browser_page  # noqa: E402, F401 (the browser tests' page fixture)
