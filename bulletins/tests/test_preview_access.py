"""A draft's preview is for those who may view issues; nobody else learns it exists."""

import pytest
from django.contrib.auth.models import Permission, User

from bulletins.models import Issue

from .factories import make_issue

pytestmark = pytest.mark.django_db


def staff_client(client, *codenames):
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="bulletins", codename__in=codenames)
    )
    client.force_login(user)
    return client


def test_staff_without_permission_get_404_for_a_draft_preview(client):
    draft = make_issue(status=Issue.Status.DRAFT, title="机密草稿")
    response = staff_client(client).get(draft.get_preview_url())
    assert response.status_code == 404
    assert "机密草稿" not in response.content.decode()


def test_staff_without_permission_cannot_tell_a_draft_from_a_missing_issue(client):
    draft = make_issue(status=Issue.Status.DRAFT, number=77)
    staff = staff_client(client)
    existing = staff.get(draft.get_preview_url())
    missing = staff.get("/issues/78/preview/")
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content


def test_staff_with_permissions_on_other_models_only_get_404(client):
    draft = make_issue(status=Issue.Status.DRAFT)
    staff = staff_client(client, "view_item", "change_item", "view_section")
    assert staff.get(draft.get_preview_url()).status_code == 404


@pytest.mark.parametrize("codename", ["view_issue", "change_issue"])
def test_staff_who_may_view_or_change_issues_read_the_draft(client, codename):
    draft = make_issue(status=Issue.Status.DRAFT, title="机密草稿")
    response = staff_client(client, codename).get(draft.get_preview_url())
    assert response.status_code == 200
    assert "机密草稿" in response.content.decode()


def test_a_superuser_reads_the_draft(admin_client):
    draft = make_issue(status=Issue.Status.DRAFT)
    assert admin_client.get(draft.get_preview_url()).status_code == 200


def test_a_logged_in_reader_who_is_not_staff_is_sent_to_the_login_page(client):
    draft = make_issue(status=Issue.Status.DRAFT)
    client.force_login(User.objects.create_user("reader", password="pw"))
    response = client.get(draft.get_preview_url())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_draft_preview_refused_to_staff_is_the_sites_ordinary_page_not_found(client):
    draft = make_issue(status=Issue.Status.DRAFT, number=77)
    staff = staff_client(client)
    refused = staff.get(draft.get_preview_url())
    missing = staff.get("/issues/78/")  # the reader's page of an issue that does not exist
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert "页面不存在" in refused.content.decode()
