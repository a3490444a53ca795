"""A real ``celery worker`` process on the real broker and the test database, for
tests that kill one (a thread in the test process cannot be SIGKILLed alone)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parents[2]


def start_worker(**environment: str) -> subprocess.Popen:
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "frontdoor.settings.development",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{quote(database['HOST'], safe='')}/{database['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "DEBUG": "false",
        **environment,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "frontdoor", "worker",
            "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--pool", "solo", "--loglevel", "WARNING",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )  # fmt: skip
