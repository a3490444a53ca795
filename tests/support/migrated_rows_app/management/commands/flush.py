"""``flush`` under the test settings: back to the migrated rows when they were copied
(tests/support/migrated_rows.py), Django's own flush otherwise."""

from __future__ import annotations

from django.core.management.commands import flush
from django.db import connections

from tests.support import migrated_rows


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        if not migrated_rows.is_taken(database):
            return super().handle(**options)
        migrated_rows.reset(connections[database])
