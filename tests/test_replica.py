"""Reports read from a real PostgreSQL streaming standby; a person's own writes, and
everything else, from the primary (issue 25 part 4, docs/adr/0047).

The standby is a ``pg_basebackup -R`` copy of the embedded server, taken once this test
process's database exists (tests/support/standby.py). The tests commit (transactional),
so what they write reaches the standby; ``standby.lagging()`` pauses its replay, so a row
written then is on the primary only, and which server a read went to shows in what it
finds.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import subprocess
import threading
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import london_date
from frontdoor.models import AuditEvent, User
from frontdoor.replica import REPLICA, reporting_reads
from frontdoor.settings.environment import env_secret
from outcomes.models import CensusExport, ScorecardSnapshot
from outcomes.returns.selectors import census_year_to_offer
from outcomes.scorecard import services_months
from outcomes.scorecard.periods import Granularity, Period
from outcomes.scorecard.selectors import scorecard_count, scorecard_count_afresh
from outcomes.scorecard.services import snapshot_take
from referrals import services as referral_services
from referrals.models import Contact
from screening.models import Route
from tests.factories import submit_contact
from tests.outcomes.scorecard_world import at, empty_world
from tests.support.chronology import child_with_history
from tests.support.standby import CATCH_UP_SECONDS, Standby, standby_start

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    if env_secret("DATABASE_URL"):
        pytest.skip("A standby is copied from the embedded server; DATABASE_URL names another")
    made = standby_start(os.environ.get("PYTEST_XDIST_WORKER", "main"))
    yield made
    made.stop()


@pytest.fixture(scope="module")
def replica(standby):
    """The "replica" alias, as DATABASE_REPLICA_URL makes it: the app's role, on the
    standby, reading this process's test database there. Module-scoped, so it exists
    before each test says which databases it may use."""
    from django.conf import settings

    primary = connections.settings["default"]
    connections.settings[REPLICA] = connections.configure_settings(
        {
            "default": dict(primary),
            REPLICA: {
                **primary,
                "USER": settings.DATABASE_ROLES["app"]["USER"],
                "PASSWORD": settings.DATABASE_ROLES["app"].get("PASSWORD", ""),
                "HOST": standby.socket_dir,
                "OPTIONS": {"application_name": "frontdoor-reports"},
                "TEST": {"MIRROR": "default"},
            },
        }
    )[REPLICA]
    yield standby
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def _contacts_counted(client, period: Period) -> int:
    response = client.get(reverse("outcomes:scorecard-csv"), {"period": period.key})
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    overall = {
        row["Figure key"]: row
        for row in rows
        if row["Period"] == period.key and row["Source agency"] == "All agencies"
    }
    return int(overall["contacts"]["Numerator"])


def test_reads_inside_a_report_go_to_the_standby_and_nothing_else_does(replica: Standby):
    with reporting_reads():
        report_alias = router.db_for_read(Contact)
        assert report_alias == REPLICA
        assert _in_recovery(report_alias)
        # Who may see what is never read from a copy that lags; writes go to the primary.
        assert router.db_for_read(User) == "default"
        assert router.db_for_write(Contact) == "default"
        with transaction.atomic():
            # This transaction's own writes are on the primary only, so are its reads.
            assert router.db_for_read(Contact) == "default"
    assert router.db_for_read(Contact) == "default"
    assert not _in_recovery(router.db_for_read(Contact))
    assert not _in_recovery(connection.alias)


def test_a_report_in_one_thread_sends_no_other_threads_reads_to_the_standby(replica: Standby):
    """gunicorn's threads and a threaded Celery pool run requests and tasks side by side
    in one process: the opt-in is the running thread's (a context variable), and a
    thread started inside a report begins outside one."""
    inside, done = threading.Event(), threading.Event()
    seen: dict[str, str] = {}

    def report() -> None:
        try:
            with reporting_reads():
                seen["report"] = router.db_for_read(Contact)
                inside.set()
                done.wait(30)
        finally:
            connections.close_all()

    def other(name: str) -> None:
        seen[name] = router.db_for_read(Contact)

    reporter = threading.Thread(target=report)
    reporter.start()
    try:
        assert inside.wait(30)
        bystander = threading.Thread(target=other, args=["bystander"])
        bystander.start()
        bystander.join(30)
        assert router.db_for_read(Contact) == "default"  # this thread, too
        with reporting_reads():
            started_inside = threading.Thread(target=other, args=["started inside"])
            started_inside.start()
            started_inside.join(30)
    finally:
        done.set()
        reporter.join(30)
    assert seen == {"report": REPLICA, "bystander": "default", "started inside": "default"}


def test_a_scorecard_download_is_counted_on_the_standby_and_audited_on_the_primary(
    replica: Standby, client, referrer, manager
):
    first = submit_contact(referrer)
    period = Period.containing(london_date(first.received_at), Granularity.MONTH)
    client.force_login(manager)
    replica.catch_up()
    assert _contacts_counted(client, period) == 1

    with replica.lagging():
        submit_contact(referrer)
        assert Contact.objects.count() == 2  # on the primary
        # The standby has not replayed the second contact: the download counted there.
        assert _contacts_counted(client, period) == 1
        # Each download's audit row was written to the primary, and is read from it.
        downloads = AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT, record_type="scorecard"
        )
        assert downloads.count() == 2

    # Caught up, the standby counts both.
    assert _contacts_counted(client, period) == 2


def test_a_recount_counts_on_the_standby_and_keeps_its_figures_on_the_primary(
    replica: Standby, referrer
):
    first = submit_contact(referrer)
    period = Period.containing(london_date(first.received_at), Granularity.MONTH)
    with replica.lagging():
        submit_contact(referrer)
        kept = snapshot_take(period=period)
        assert ScorecardSnapshot.objects.filter(pk=kept.pk).exists()  # on the primary
    counted = dict(kept.figures["trend"])[period.key]
    assert counted["contacts"][0] == 1  # what the lagging standby had


def test_a_scorecard_reads_its_kept_months_decision_times_where_it_found_the_months(
    replica: Standby, screener, manager
):
    """A closed month kept, then kept again on the primary (new rows) while the standby
    lags: the scorecard counted on the standby uses the month's first rows, found there,
    and reads their decision times and children there too (on the primary they are
    gone), so its figures are a fresh count's."""
    world = empty_world(screener, manager)
    world.contact("a", child="Ann", received=at(2026, 10, 5))
    world.decide("a", Route.EARLY_HELP, at(2026, 10, 5, 14))
    world.contact("b", child="Bea", received=at(2026, 10, 6))
    world.decide("b", Route.EARLY_HELP, at(2026, 10, 7, 11))
    october = Period.parse("2026-10")
    services_months.months_keep(months=[october.start])
    with replica.lagging():
        services_months.months_keep(months=[october.start])
        as_at = timezone.now()
        card = scorecard_count(period=october, as_at=as_at)
        with reporting_reads():
            fresh = scorecard_count_afresh(period=october, as_at=as_at)
    for key in ("decision_hours_median", "decision_hours_p90", "repeat_not_progressed"):
        shown, counted = card.figures[key], fresh.figures[key]
        assert (shown.count, shown.base, shown.hours) == (
            counted.count,
            counted.base,
            counted.hours,
        )
    assert card.figures["repeat_not_progressed"].base == 2


def test_a_download_of_a_count_kept_a_moment_ago_gives_the_kept_figures(
    replica: Standby, client, referrer, manager
):
    """The page shows a kept count and its downloads carry its moment (as_at): the
    download finds that kept count on the primary, where the page found it, rather than
    missing it on a standby that lags and counting afresh there."""
    first = submit_contact(referrer)
    period = Period.containing(london_date(first.received_at), Granularity.MONTH)
    client.force_login(manager)
    with replica.lagging():
        kept = snapshot_take(period=period)
        with (
            CaptureQueriesContext(connections[REPLICA]) as on_standby,
            CaptureQueriesContext(connection) as on_primary,
        ):
            response = client.get(
                reverse("outcomes:scorecard-csv"),
                {"period": period.key, "as_at": kept.as_at.isoformat()},
            )
    assert response.status_code == 200
    counted = on_standby.captured_queries + on_primary.captured_queries
    assert not any("referrals_contact" in query["sql"] for query in counted)
    assert any("outcomes_scorecardsnapshot" in query["sql"] for query in on_primary)


def test_a_persons_own_export_shows_on_the_next_page_while_the_standby_lags(
    replica: Standby, client, manager
):
    """The census is read from the standby; the export it makes is written to the
    primary, numbered there inside its transaction, and the page the person is sent
    to next reads it from the primary."""
    client.force_login(manager)
    year = census_year_to_offer()
    with replica.lagging():
        serials = []
        for _ in range(2):
            made = client.post(reverse("outcomes:census"), {"year": year})
            assert made.status_code == 302
            page = client.get(made["Location"])
            assert page.status_code == 200
            export = CensusExport.objects.order_by("pk").last()
            assert f"Export {export.pk}" in page.content.decode()
            serials.append(ET.fromstring(bytes(export.xml)).findtext(".//SerialNo"))
        # A count of earlier exports read from the lagging standby would say 1 twice.
        assert serials == ["1", "2"]
        listed = client.get(reverse("outcomes:census")).content.decode()
        for each in CensusExport.objects.all():
            assert reverse("outcomes:census-export", args=[each.pk]) in listed


def _pdf_text(response, tmp_path) -> str:
    assert response.status_code == 200
    path = tmp_path / "chronology.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 (poppler, as for the pack)
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.sub(r"\s+", " ", text)


def test_a_chronology_pdf_hides_a_contact_restricted_a_moment_ago_while_the_standby_lags(
    replica: Standby, client, referrer, screener, manager, police_member, tmp_path, settings
):
    """Who may open the person is decided on the primary; which entries the PDF hides
    is decided by the restriction rows its own queries read. A standby that has not
    replayed a restriction must not decide that: the PDF reads from the primary."""
    history = child_with_history(
        referrer=referrer, screener=screener, manager=manager, member=police_member, full=1
    )
    pdf_url = reverse("outcomes:person-chronology-pdf", args=[history.person.pk])
    client.force_login(screener)
    # However busy the machine, the standby catches up (with what the other test
    # process writes too) within this: the PDF reads from it.
    settings.DATABASE_REPLICA_CATCH_UP_SECONDS = CATCH_UP_SECONDS
    with CaptureQueriesContext(connections[REPLICA]) as on_standby:
        shown = _pdf_text(client.get(pdf_url), tmp_path)
    assert "Two call-outs in May." in shown
    # Caught up, the standby gave the entries.
    assert any("referrals_contact" in query["sql"] for query in on_standby.captured_queries)

    settings.DATABASE_REPLICA_CATCH_UP_SECONDS = 0.2
    with replica.lagging():
        referral_services.restriction_add(
            actor=manager,
            contact=history.contacts[0],
            reason="A police investigation.",
            ask=manager,
            allowed=[],
            review_due=timezone.localdate() + timedelta(days=30),
        )
        hidden = _pdf_text(client.get(pdf_url), tmp_path)
    assert "Two call-outs in May." not in hidden
    assert "Bruising consistent" not in hidden
    assert f"Restricted record: ask {manager.full_name}" in hidden


def test_a_report_after_the_standby_stopped_reads_from_the_primary(
    replica: Standby, client, referrer, manager, caplog, settings
):
    """A connection kept from an earlier report, to a standby that has since stopped,
    is not used: the report reads from the primary (and says so in the log)."""
    # Tried again at once once it is back (tests/test_replica_router.py: the interval).
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0
    submit_contact(referrer)
    with reporting_reads():
        assert router.db_for_read(Contact) == REPLICA
        Contact.objects.count()
    assert connections[REPLICA].connection is not None  # kept, as CONN_MAX_AGE keeps it
    replica.halt()
    try:
        with caplog.at_level(logging.WARNING, "frontdoor.replica"), reporting_reads():
            assert router.db_for_read(Contact) == "default"
            assert Contact.objects.count() == 1
        assert "Reporting replica unavailable (OperationalError)" in caplog.text
    finally:
        replica.start()
    with reporting_reads():
        assert router.db_for_read(Contact) == REPLICA
