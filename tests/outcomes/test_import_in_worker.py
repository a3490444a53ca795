"""A large outcomes CSV is kept, then checked and applied by a real Celery worker while
the page shows how far it has gone; a broker outage keeps the upload until it is back.

Only files over OUTCOMES_IMPORT_INLINE_ROWS go to the worker; the tests lower that
setting rather than upload thousands of rows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from frontdoor.celery import app as celery_app
from outcomes import imports
from outcomes.models import DownstreamOutcome, OutcomeImport
from screening import services as screening
from screening.models import Route
from tests.factories import child_input, submit_contact
from tests.support.embedded_redis import needs_embedded_redis, restart_embedded_redis
from tests.support.screening import decide
from tests.support.waiting import wait_until

TODAY = timezone.localdate()
ROWS = 120


@pytest.fixture
def small_inline_limit(settings):
    settings.INPUT_LIMITS = {**settings.INPUT_LIMITS, "import_inline_rows": 10}


@pytest.fixture
def referral(screener, manager, referrer, level):
    contact = submit_contact(
        referrer,
        subjects=[child_input(nhs_number="9434765919")],
        received_at=timezone.now() - timedelta(days=20),
    )
    screening.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.STRATEGY_DISCUSSION)
    screening.decision_approve(actor=manager, decision=decision)
    return contact


def events_file(reference: str, rows: int = ROWS, *, bad_row: int | None = None) -> bytes:
    lines = ["event_id,contact_reference,child,event,date,assessment_outcome"]
    for number in range(rows):
        event = "party" if number == bad_row else "strategy_discussion"
        lines.append(f"sd-{number},{reference},1,{event},{TODAY},")
    return ("\n".join(lines) + "\n").encode()


def upload(client, data: bytes):
    file = SimpleUploadedFile("events.csv", data, content_type="text/csv")
    return client.post(reverse("outcomes:import"), {"file": file})


def finished(job_id: int) -> bool:
    return OutcomeImport.objects.get(pk=job_id).finished


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_by_the_worker_and_reimporting_adds_nothing(
    client, screener, referral, small_inline_limit, celery_worker
):
    client.force_login(screener)
    response = upload(client, events_file(referral.reference))
    job = OutcomeImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:import-job", args=[job.pk])
    assert job.rows_total == ROWS

    wait_until(lambda: finished(job.pk), 60, "the worker did not finish the import")
    job.refresh_from_db()
    assert (job.status, job.created, job.unchanged) == ("imported", ROWS, 0)
    assert job.rows_checked == ROWS
    assert job.content == ""  # the file's children's details are not kept once done
    assert DownstreamOutcome.objects.count() == ROWS
    page = client.get(reverse("outcomes:import-job", args=[job.pk]))
    assert f"Imported {ROWS} new events; 0 had been imported before." in page.text
    assert "hx-trigger" not in page.text  # done: the page stops polling

    upload(client, events_file(referral.reference))
    again = OutcomeImport.objects.exclude(pk=job.pk).get()
    wait_until(lambda: finished(again.pk), 60, "the worker did not finish the second import")
    again.refresh_from_db()
    assert (again.created, again.unchanged) == (0, ROWS)
    assert DownstreamOutcome.objects.count() == ROWS


@pytest.mark.django_db(transaction=True)
def test_a_large_file_with_a_bad_row_imports_nothing_and_lists_the_row(
    client, screener, referral, small_inline_limit, celery_worker
):
    client.force_login(screener)
    upload(client, events_file(referral.reference, bad_row=57))
    job = OutcomeImport.objects.get()
    wait_until(lambda: finished(job.pk), 60, "the worker did not finish the import")
    page = client.get(reverse("outcomes:import-job", args=[job.pk]))
    assert "Nothing was imported" in page.text
    assert "Row 59: Unknown event &#x27;party&#x27;" in page.text
    assert not DownstreamOutcome.objects.exists()


@pytest.mark.django_db
def test_the_page_shows_rows_checked_while_the_worker_checks(client, screener):
    job = OutcomeImport.objects.create(
        uploaded_by=screener,
        content="kept",
        status=OutcomeImport.Status.CHECKING,
        rows_total=600,
        rows_checked=250,
        started_at=timezone.now(),
    )
    client.force_login(screener)
    url = reverse("outcomes:import-job", args=[job.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "250 of 600 rows checked" in fragment.text
    assert f'hx-get="{url}"' in fragment.text
    assert "<html" not in fragment.text


@pytest.mark.django_db
def test_a_small_file_is_imported_while_the_person_waits(client, screener, referral):
    client.force_login(screener)
    response = upload(client, events_file(referral.reference, rows=3))
    job = OutcomeImport.objects.get()
    assert job.status == OutcomeImport.Status.IMPORTED
    page = client.get(response["Location"])
    assert "Imported 3 new events" in page.text


@pytest.mark.django_db
def test_a_file_over_the_row_limit_is_refused_with_the_limit(client, screener, settings):
    settings.INPUT_LIMITS = {**settings.INPUT_LIMITS, "import_rows": 50}
    client.force_login(screener)
    response = upload(client, events_file("FD-2026-000001", rows=51))
    assert response.status_code == 400
    assert "The file has 51 rows: import at most 50 rows at a time" in response.text
    assert not OutcomeImport.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(client, screener, settings):
    settings.INPUT_LIMITS = {**settings.INPUT_LIMITS, "import_bytes": 1024}
    client.force_login(screener)
    response = upload(client, events_file("FD-2026-000001", rows=40))
    assert response.status_code == 400
    assert "The file must be smaller than 1 KB" in response.text
    assert not OutcomeImport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_lost_with_its_worker_is_checked_again(screener, referral, celery_worker):
    job = OutcomeImport.objects.create(
        uploaded_by=screener,
        content=events_file(referral.reference, rows=5).decode(),
        status=OutcomeImport.Status.CHECKING,
        rows_total=5,
        started_at=timezone.now() - timedelta(hours=1),
    )
    later = timezone.now() + imports.WAITING_TOO_LONG + timedelta(seconds=1)
    assert imports.outcome_imports_sweep(now=later) == [job.pk]
    wait_until(lambda: finished(job.pk), 60, "the lost import was not checked again")
    assert OutcomeImport.objects.get(pk=job.pk).created == 5


@needs_embedded_redis
@pytest.mark.django_db(transaction=True)
def test_an_upload_during_a_broker_outage_is_kept_and_checked_when_it_is_back(
    client, screener, referral, small_inline_limit
):
    celery_app.control.purge()
    client.force_login(screener)
    answers = []
    restart_embedded_redis(
        down_while=lambda: answers.append(upload(client, events_file(referral.reference)))
    )
    job = OutcomeImport.objects.get()
    assert answers[0].status_code == 302
    assert (job.status, job.not_queued, job.rows_total) == ("queued", True, ROWS)
    page = client.get(reverse("outcomes:import-job", args=[job.pk]))
    assert "Your file is kept and will be checked when it is back" in page.text

    later = timezone.now() + imports.WAITING_TOO_LONG + timedelta(seconds=1)
    assert imports.outcome_imports_sweep(now=later) == [job.pk]
    assert OutcomeImport.objects.get(pk=job.pk).not_queued is False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        wait_until(lambda: finished(job.pk), 60, "the kept upload was not checked")
    assert OutcomeImport.objects.get(pk=job.pk).created == ROWS
