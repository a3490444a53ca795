"""Migration 0023 gives every partner system that existed before scopes the scopes
matching what its account could do through the API then, and keeps its token working
(issue 21, part 1)."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from frontdoor.database_roles import app_privileges_grant
from frontdoor.roles import Role
from referrals.models import ApiClient
from referrals.services import api_client_authenticate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("referrals", "0022_documents")]


def _migrate(targets=None) -> None:
    """To ``targets``; without, forward to the end of every app: going back to BEFORE
    also took back the later apps' migrations that depend on referrals."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    # What ``migrate`` does after migrating (its post_migrate signal): the app's role is
    # granted the tables made again.
    app_privileges_grant()


def test_existing_clients_get_the_scopes_they_had_and_keep_their_tokens():
    accounts = {
        "feed": UserFactory(roles=[Role.REFERRER]),
        "mosaic": UserFactory(roles=[Role.CASE_SYSTEM]),
        "dashboard": UserFactory(roles=[Role.PERFORMANCE_VIEWER]),
    }
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for number, (name, account) in enumerate(accounts.items()):
                token = f"fd_0000000{number}_{name}"
                cursor.execute(
                    "INSERT INTO referrals_apiclient (name, account_id, token_prefix, "
                    "token_hash, is_active, created_at) VALUES (%s, %s, %s, %s, true, now())",
                    [
                        name,
                        account.pk,
                        f"0000000{number}",
                        hashlib.sha256(token.encode()).hexdigest(),
                    ],
                )
    finally:
        _migrate()
    scopes = dict(ApiClient.objects.values_list("name", "scopes"))
    assert scopes == {
        "feed": ["submit_contacts", "read_own_contacts"],
        "mosaic": ["post_outcome_events"],
        "dashboard": ["read_scorecard"],
    }
    for number, name in enumerate(accounts):
        client = api_client_authenticate(token=f"fd_0000000{number}_{name}")
        assert client is not None
        assert client.name == name
