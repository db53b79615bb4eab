"""Settings for the test suite: the real settings, tuned for speed and isolation."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")

from newsroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
LEGACY_IMPORT_SPOOL_DIR = tempfile.mkdtemp(prefix="newsroom-test-imports-")
# The test client speaks plain HTTP; tests of the HTTPS settings import them in a subprocess.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client's login() passes no request, which axes refuses: let that one through.
AUTHENTICATION_BACKENDS = [
    "newsroom.throttling.RequestOptionalAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
# Tests roll their transactions back, so no notification is ever sent: read the state on
# each request. test_state_watch.py turns the watcher on where it commits.
NEWSROOM_STATE_WATCH = False
