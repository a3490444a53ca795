"""Tests: the same real PostgreSQL and Redis as development, never stand-ins."""

import copy
import os

from .base import *  # noqa: F403

# pytest-xdist runs the suite in several processes ("gw0", "gw1", …). Each has its own
# test database (pytest-django names it), and here its own queue and cache keys on the
# shared Redis, so one process's worker never takes another's tasks.
_TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "")
_TEST_SUFFIX = f"-{_TEST_PROCESS}" if _TEST_PROCESS else ""

DEBUG = False
SECRET_KEY = "test-only-key-" + "t" * 40
# Receivers on this machine (the tests') answer plain http.
WEBHOOK_ALLOW_HTTP = True
# Hashing cost buys nothing in tests; every other behaviour is production's.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# First, so its ``flush`` is the one Django's transactional test cases call: it puts the
# database back to the rows migrate left instead of emptying it (tests/support/migrated_rows.py).
INSTALLED_APPS = ["tests.support.migrated_rows_app", *INSTALLED_APPS]  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# The tests' own Redis database, so a running app's worker never takes test tasks.
CACHES["default"]["KEY_PREFIX"] = "frontdoor-test" + _TEST_SUFFIX  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = "frontdoor-test" + _TEST_SUFFIX
# A test waits on a task's result (``apply_async(..., ignore_result=False).get(timeout=…)``)
# to know a worker ran it. Tasks keep no result unless a call asks for one
# (CELERY_TASK_IGNORE_RESULT), as in production, which has no result store at all.
CELERY_RESULT_BACKEND = CELERY_BROKER_URL  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Each test process its own folder of stored files, as its own queue: a test that
    # counts the files its upload left sees no other process's.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            **STORAGES["documents"]["OPTIONS"],  # noqa: F405
            "location": str(embedded.STATE_DIR / f"documents{_TEST_SUFFIX}"),  # noqa: F405
        },
    },
}
# Static files are served from STATICFILES_DIRS by WhiteNoise's finders; nothing is collected.
STATIC_ROOT = None
# Every test client calls from 127.0.0.1 and the counts live in Redis across tests:
# tests that send wrong tokens on purpose must not slow down the ones after them.
# tests/referrals/test_api_token_failures.py sets a small limit for itself.
API_TOKEN_FAILURE_LIMIT = 10_000
# The tests create, migrate and flush their own database, which only the owner may do;
# tests/test_database_roles.py connects as the app's role to show what that role can do.
DATABASES = {"default": copy.deepcopy(DATABASE_ROLES["owner"] or DATABASE_ROLES["app"])}  # noqa: F405
# A commit need not wait for the disk here: a server that crashed mid-run would lose only
# the last test rows, which the next run recreates. Commits (every transactional test, the
# live server's requests, the worker's tasks, migrate) then cost a round trip, not a flush.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
# Every signed-in request writes the session, so a page's query count does not depend on
# how long ago the test's last page was (tests/test_sign_in.py sets the real interval).
SESSION_REFRESH_SECONDS = 0
# Each test counts its own world: nothing is shared between requests through Redis
# (tests/outcomes/test_today.py turns it on where it shows the sharing).
LIVE_SHARED_SECONDS = 0
# Tests keep scorecard months moments after the changes that marked them: no
# transaction is in flight across a test's count (docs/adr/0049).
SCORECARD_MONTH_SETTLE_SECONDS = 0
