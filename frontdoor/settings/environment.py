"""Where settings come from: the environment, a ``.env`` file beside manage.py, and
``NAME_FILE`` for secrets kept in files (Docker and Kubernetes secrets)."""

from __future__ import annotations

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_secret(name: str, default: str | None = None) -> str | None:
    """``NAME`` from the environment, or the contents of the file ``NAME_FILE`` names."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)
