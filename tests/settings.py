"""Test settings: the real settings, with fast password hashing and plain static storage."""

import os
import tempfile

# One cache per test process (tests run side by side, each on its own database), unless a test
# serves with a shared one: REDIS_URL, or CACHE_DIR for the server's disk cache (ADR 0060).
if not os.environ.get("CACHE_DIR"):
    os.environ.setdefault("CACHE_IN_MEMORY", "1")

from reformledger.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A worker process started by a test shares the test's stored files (TEST_MEDIA_ROOT).
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="reformledger-test-media-")
LANGUAGE_CODE = "zh-hans"
STATIC_ROOT = tempfile.mkdtemp(prefix="reformledger-test-static-")
WHITENOISE_USE_FINDERS = True
COMPILED_QUERIES_CHECK = True  # every compiled query built afresh too, and compared (core.compiled)
