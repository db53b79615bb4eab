"""Production settings, imported fresh in a subprocess with only the environment given."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "news.example.com",
}
SHOWN = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "LEGACY_IMPORT_MAX_BYTES",
    "CONTENT_SECURITY_POLICY",
]


def run(args, **environment):
    """Run Python with the project's settings and nothing of this process's DJANGO_* set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "LEGACY_", "SQLITE_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="newsroom.settings", PYTHONPATH=str(ROOT), **environment)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def production_settings(**environment):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SHOWN!r}}}))"
    )
    result = run(["-c", code], **{**PRODUCTION, **environment})
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["-c", "import django; django.setup()"], DJANGO_ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_an_empty_secret_key():
    result = run(["-c", "import django; django.setup()"], DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_starts_without_a_secret_key():
    result = run(["-c", "import django; django.setup()"], DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_check_deploy_gives_no_warning_with_only_a_secret_key_and_allowed_hosts():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("System check identified no issues")
    assert result.stderr == ""


def test_the_default_upload_limit_is_5_mb():
    assert production_settings()["LEGACY_IMPORT_MAX_BYTES"] == 5 * 1024 * 1024


def test_production_uses_https_with_hsts_and_secure_cookies_by_default():
    shown = production_settings()
    assert shown["DEBUG"] is False
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SESSION_COOKIE_SECURE"] is True and shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600


@pytest.mark.parametrize(
    "environment", [{"DJANGO_HTTPS": "0"}, {"DJANGO_SECURE_COOKIES": "0"}, {"DJANGO_DEBUG": "1"}]
)
def test_plain_http_switches_redirect_hsts_and_secure_cookies_off_together(environment):
    shown = production_settings(**environment)
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SESSION_COOKIE_SECURE"] is False and shown["CSRF_COOKIE_SECURE"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 0


def test_https_can_be_kept_on_in_development():
    assert production_settings(DJANGO_DEBUG="1", DJANGO_HTTPS="1")["SECURE_SSL_REDIRECT"] is True


def test_a_tls_terminating_proxy_header_is_read_from_the_environment():
    shown = production_settings(DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto=https")
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production_settings()["SECURE_PROXY_SSL_HEADER"] is None


def test_a_malformed_proxy_header_stops_the_start_with_an_example():
    result = run(
        ["-c", "import django; django.setup()"],
        **PRODUCTION,
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert result.returncode != 0
    assert "must look like X-Forwarded-Proto=https" in result.stderr


def image_sources(**environment):
    return production_settings(**environment)["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]


def test_pictures_come_from_this_site_only_by_default():
    assert image_sources() == ["'self'"]


def test_an_object_stores_custom_domain_may_serve_the_pictures():
    options = json.dumps({"bucket_name": "newsroom-media", "custom_domain": "media.example.com"})
    assert image_sources(MEDIA_STORAGE_OPTIONS=options) == ["'self'", "https://media.example.com"]


def test_a_media_origin_is_read_from_the_environment():
    sources = image_sources(MEDIA_ORIGINS="https://bucket.s3.example.com/")
    assert sources == ["'self'", "https://bucket.s3.example.com"]


def test_a_media_origin_that_is_not_an_origin_stops_the_start():
    result = run(["-c", "import django; django.setup()"], **PRODUCTION, MEDIA_ORIGINS="*")
    assert result.returncode != 0
    assert "MEDIA_ORIGINS must list origins like https://media.example.com" in result.stderr
