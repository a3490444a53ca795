"""Without a reporting replica, or with one that does not answer, every read is the
primary's, as before there was a replica (docs/adr/0047). The replica itself:
tests/test_replica.py."""

from __future__ import annotations

import logging
import socket
from contextlib import contextmanager

import pytest
from django.db import connection, connections, router
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdoor.replica import REPLICA, ReportingReplicaRouter, replica_configured, reporting_reads
from outcomes.returns.census import census_return
from outcomes.returns.selectors import census_year_to_offer
from referrals.models import Contact
from tests.factories import submit_contact
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db


@contextmanager
def replica_at(socket_dir: str):
    """A "replica" alias, as DATABASE_REPLICA_URL makes it, on ``socket_dir``."""
    primary = connections.settings["default"]
    connections.settings[REPLICA] = connections.configure_settings(
        {
            "default": dict(primary),
            REPLICA: {**primary, "HOST": socket_dir, "OPTIONS": {}, "TEST": {"MIRROR": "default"}},
        }
    )[REPLICA]
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def test_with_no_replica_every_read_and_write_goes_to_the_primary(client, referrer, manager):
    submit_contact(referrer)
    assert not replica_configured()
    with reporting_reads():
        assert router.db_for_read(Contact) == "default"
        assert router.db_for_write(Contact) == "default"
        assert census_return(census_year_to_offer()) is not None
    assert not ReportingReplicaRouter().allow_migrate(REPLICA, "referrals")
    assert ReportingReplicaRouter().allow_migrate("default", "referrals")

    client.force_login(manager)
    with CaptureQueriesContext(connection) as primary:
        response = client.get(reverse("outcomes:scorecard-csv"), {"period": "2026-Q3"})
    assert response.status_code == 200
    assert any("referrals_contact" in query["sql"] for query in primary.captured_queries)


@pytest.fixture(scope="class")
def replica_down(django_db_setup, django_db_blocker, tmp_path_factory):
    """A replica alias on a socket nobody listens on. Class-scoped, so it exists before
    the test says which databases it may use."""
    with replica_at(str(tmp_path_factory.mktemp("no-standby"))):
        yield


@pytest.mark.usefixtures("replica_down")
class TestAReplicaThatDoesNotAnswer:
    # Committed, so the reads below are not held on the primary by a test's transaction.
    @pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
    def test_leaves_reports_on_the_primary(self, client, referrer, manager, caplog):
        submit_contact(referrer)
        client.force_login(manager)
        with caplog.at_level(logging.WARNING, "frontdoor.replica"):
            assert replica_configured()
            with reporting_reads():
                assert router.db_for_read(Contact) == "default"
            response = client.get(reverse("outcomes:scorecard-csv"), {"period": "2026-Q3"})
        assert response.status_code == 200
        assert "Reporting replica unavailable (OperationalError)" in caplog.text


@pytest.mark.django_db(False)
def test_the_replica_is_configured_from_a_file_and_only_as_the_apps_role(tmp_path):
    url = tmp_path / "replica-url"
    url.write_text("postgres://frontdoor_app:secret@standby.internal:5433/frontdoor\n")
    show = (
        "from django.conf import settings; r = settings.DATABASES['replica'];"
        " print(r['HOST'], r['PORT'], r['USER'], r['TEST']['MIRROR'],"
        " r['OPTIONS']['connect_timeout'], settings.DATABASE_ROUTERS)"
    )
    development = {
        "DJANGO_SETTINGS_MODULE": "frontdoor.settings.development",
        "DATABASE_REPLICA_URL_FILE": str(url),
    }
    result = run_manage("shell", "-c", show, env_overrides=development)
    assert result.returncode == 0, result.stderr
    shown = result.stdout.strip().splitlines()[-1].split()
    # An unreachable standby costs a report seconds, not TCP's minutes (below).
    assert shown[:5] == ["standby.internal", "5433", "frontdoor_app", "default", "3"]

    url.write_text("postgres://frontdoor_owner@standby.internal/frontdoor")
    result = run_manage("check", env_overrides=development)
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL connects as the app's role" in result.stderr


@pytest.mark.django_db(False)
def test_a_standby_that_never_answers_costs_a_report_its_connect_timeout():
    """A standby whose host takes the connection and says nothing (hung, or behind a
    firewall that drops its packets) is given up after the URL's connect_timeout (3 s
    unless set), and the report reads from the primary: it does not wait for TCP. The
    reports after it do not try the standby for a while."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as silent:
        port = silent.getsockname()[1]
        report = (
            "import time; from django.db import router; from referrals.models import Contact;"
            " from frontdoor.replica import reporting_reads; started = time.monotonic()\n"
            "with reporting_reads(): alias = router.db_for_read(Contact)\n"
            "print(alias, round(time.monotonic() - started))\n"
            "started = time.monotonic()\n"
            "with reporting_reads(): alias = router.db_for_read(Contact)\n"
            "print(alias, round(time.monotonic() - started))"
        )
        result = run_manage(
            "shell",
            "-c",
            report,
            env_overrides={
                "DJANGO_SETTINGS_MODULE": "frontdoor.settings.development",
                "DATABASE_REPLICA_URL": f"postgres://frontdoor_app@127.0.0.1:{port}/frontdoor",
            },
        )
    assert result.returncode == 0, result.stderr
    first, second = (line.split() for line in result.stdout.strip().splitlines()[-2:])
    assert first[0] == "default"
    assert 2 <= int(first[1]) <= 6
    assert "Reporting replica unavailable" in result.stderr + result.stdout
    # The next report (for DATABASE_REPLICA_RETRY_SECONDS) does not wait for it again.
    assert second == ["default", "0"]
