"""Settings for ``manage.py backup`` and ``restore`` (frontdoor/backups.py, docs/adr/0048).
Part of every profile through base.py."""

from __future__ import annotations

from frontdoor import embedded

from .environment import env, env_secret

# Where ``backup`` writes when no directory is given: one dated directory per backup.
BACKUP_DIR = env.str("BACKUP_DIR", default=str(embedded.STATE_DIR / "backups"))
# The directory holding pg_dump and pg_restore. Empty: the embedded server's own when no
# DATABASE_URL is set (the same version as the server), else the ones on PATH. Set it
# when PATH's are older than the server (pg_dump refuses a newer server).
BACKUP_PG_BIN_DIR = env.str("BACKUP_PG_BIN_DIR", default="")
DATABASE_EMBEDDED = not env_secret("DATABASE_URL")
