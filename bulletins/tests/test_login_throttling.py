"""Login throttling: 10 failures in 15 minutes lock an account, or an address, for 15 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
LOCKED_OUT = "登录失败次数过多"


@pytest.fixture
def editor_account():
    return User.objects.create_user("editor", password="right-password", is_staff=True)


def log_in(client, username="editor", password="right-password", address="203.0.113.7", **meta):
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post(LOGIN_URL, data, REMOTE_ADDR=address, **meta)


def fail(client, times, **kwargs):
    for _ in range(times):
        response = log_in(client, password="wrong-password", **kwargs)
        assert response.status_code in (200, 429)
    return response


def is_logged_in(client):
    return "_auth_user_id" in client.session


def rewind_attempts(minutes):
    """Move every recorded failure `minutes` into the past, as if that time had gone by."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_nine_failures_do_not_lock_the_account(client, editor_account):
    fail(client, 9)
    assert log_in(client).status_code == 302
    assert is_logged_in(client)


def test_after_ten_failures_the_right_password_is_refused(client, editor_account):
    fail(client, 10)
    response = log_in(client)
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_the_tenth_failure_says_so_in_chinese_on_the_admin_login_page(client, editor_account):
    response = fail(client, 10)
    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED_OUT in html and "15 分钟" in html and "即使密码正确" in html
    assert 'name="password"' in html  # the login page itself, with its form


def test_a_locked_out_login_with_the_right_password_gets_the_same_message(client, editor_account):
    fail(client, 10)
    html = log_in(client).content.decode()
    assert LOCKED_OUT in html
    assert 'lang="zh-hans"' in html.lower()


def test_an_account_is_locked_whatever_address_the_failures_came_from(client, editor_account):
    for index in range(10):
        fail(client, 1, address=f"198.51.100.{index}")
    response = log_in(client, address="192.0.2.200")
    assert response.status_code == 429 and not is_logged_in(client)


def test_an_address_is_locked_whatever_accounts_it_tried(client, editor_account):
    for index in range(10):
        fail(client, 1, username=f"guess{index}")
    response = log_in(client)  # the right password of an account it never tried
    assert response.status_code == 429 and not is_logged_in(client)
    assert log_in(client, address="192.0.2.201").status_code == 302  # the account is not locked


def test_other_accounts_from_other_addresses_are_not_locked(client, editor_account):
    User.objects.create_user("colleague", password="her-password", is_staff=True)
    fail(client, 10)
    response = log_in(client, username="colleague", password="her-password", address="192.0.2.9")
    assert response.status_code == 302


def test_failures_older_than_fifteen_minutes_do_not_count(client, editor_account):
    fail(client, 9)
    rewind_attempts(16)
    fail(client, 1)
    assert log_in(client).status_code == 302


def test_ten_failures_within_fifteen_minutes_lock_even_when_spread_out(client, editor_account):
    for _ in range(10):
        fail(client, 1)
        rewind_attempts(1)  # one a minute: ten in ten minutes
    assert log_in(client).status_code == 429


def test_the_lockout_lasts_fifteen_minutes_and_trying_meanwhile_does_not_extend_it(
    client, editor_account
):
    fail(client, 10)
    rewind_attempts(14)
    fail(client, 3)  # still locked, and these do not restart the clock
    assert log_in(client).status_code == 429
    rewind_attempts(2)
    assert log_in(client).status_code == 302
    assert is_logged_in(client)


@pytest.mark.parametrize(
    "command, args",
    [
        ("axes_reset_username", ["editor"]),
        ("axes_reset_ip", ["203.0.113.7"]),
        ("axes_reset", []),
    ],
)
def test_an_administrator_unlocks_with_a_management_command(client, editor_account, command, args):
    fail(client, 10)
    call_command(command, *args, stdout=None)
    assert log_in(client).status_code == 302


def test_an_administrator_unlocks_by_deleting_the_failures_in_the_admin(
    client, admin_client, editor_account
):
    fail(client, 10)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin_client.get(changelist).content.decode()
    assert "editor" in page
    pks = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    data = {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    assert admin_client.post(changelist, data).status_code == 302
    assert log_in(client).status_code == 302


def test_behind_a_proxy_the_forwarded_client_address_is_counted(client, editor_account, settings):
    settings.CLIENT_IP_PROXY_COUNT = 1
    for index in range(10):
        # Each client forges its own header; the proxy appends the address it saw.
        forged = f"10.9.9.{index}, 198.51.100.23"
        fail(client, 1, username=f"guess{index}", address="10.0.0.2", HTTP_X_FORWARDED_FOR=forged)
    assert AccessAttempt.objects.filter(ip_address="198.51.100.23").count() == 10
    locked = log_in(client, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert locked.status_code == 429
    other_client = log_in(client, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.24")
    assert other_client.status_code == 302


def test_without_a_proxy_a_forwarded_header_is_ignored(client, editor_account, settings):
    settings.CLIENT_IP_PROXY_COUNT = 0
    for index in range(10):
        fail(client, 1, username=f"guess{index}", HTTP_X_FORWARDED_FOR=f"10.9.9.{index}")
    assert log_in(client, HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 429


def test_the_admin_lists_the_failures_under_a_chinese_heading(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "登录限制" in html and "登录失败记录" in html


def test_the_lockout_ends_fifteen_minutes_after_the_tenth_failure_not_later(client, editor_account):
    fail(client, 10)
    rewind_attempts(14.9)  # 14 min 54 s later: still locked
    assert log_in(client).status_code == 429
    rewind_attempts(0.2)  # 15 min 6 s later: the lockout is over
    assert log_in(client).status_code == 302
    assert is_logged_in(client)
