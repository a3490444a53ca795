"""A force's file of police notifications as a kept job (docs/adr/0040): uploaded over
HTTP, kept sealed, imported by a real Celery worker while the page shows how far it
has gone, then a report by row the uploader can come back to and one summary email
(no acknowledgement for each notification). Re-sends are recognised as before, refused
rows are reported with why, nothing is lost when a worker stops part-way, and the rows
recorded together are what recording them one at a time gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from frontdoor import file_crypto
from frontdoor.models import AuditEvent
from outcomes.models import EncompassNotice, Notice
from referrals import services
from referrals.models import (
    Contact,
    ContactSubject,
    MatchCandidate,
    PoliceImport,
    PoliceImportRow,
    PoliceNotification,
    Relationship,
)
from referrals.services import police_import_jobs
from referrals.services.inputs import ContactRejected
from referrals.services.police_batch import police_notifications_receive_many
from referrals.services.police_import import ROW_FAILED
from tests.support.police import csv_file, csv_row, police_child, police_input, record
from tests.support.waiting import wait_until

FIRST = ["Ada", "Bilal", "Cora", "Dev", "Esme", "Finn", "Gia", "Hal", "Ivo", "Juno", "Kit", "Lux"]
LAST = ["Quayle", "Rendall", "Stainton", "Tregarthen", "Ullathorne", "Venables", "Wetherell"]
ADULT = ["Abbott", "Brennan", "Castillo", "Dunmore", "Ellery", "Fairbairn", "Gostelow"]


def _row(n: int, **overrides) -> dict[str, str]:
    """A notification about a family of its own (no one alike another row's)."""
    day = timezone.localdate() - timedelta(days=1)
    own = {
        "child_1_first_name": FIRST[n],
        "child_1_last_name": LAST[n % len(LAST)],
        "child_1_date_of_birth": (day - timedelta(days=2200 + 40 * n)).isoformat(),
        "adult_1_first_name": FIRST[-1 - n],
        "adult_1_last_name": ADULT[n % len(ADULT)],
        "postcode": f"YO{n % 30 + 1} 2AB",
    }
    return csv_row(f"JOB-{n}", **{**own, **overrides})


def _upload(client, rows):
    file = SimpleUploadedFile("batch.csv", csv_file(rows), content_type="text/csv")
    return client.post(reverse("referrals:police-import"), {"file": file})


def _finished(job_id: int) -> bool:
    return PoliceImport.objects.get(pk=job_id).finished


@pytest.fixture
def in_the_worker(settings):
    """Every file goes to the worker (the tests upload a few rows, not thousands)."""
    settings.POLICE_IMPORT_INLINE_ROWS = 2


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_by_the_worker_with_a_report_and_one_summary_email(
    client, police_member, in_the_worker, celery_worker
):
    before, _ = record(police_member, "JOB-1")  # sent in an earlier file
    acknowledged = Notice.objects.filter(contact=before, status=Notice.Status.SENT)
    wait_until(acknowledged.exists, 30, "the form's acknowledgement was not sent")
    rows = [_row(n) for n in range(8)]
    rows[1] = _row(1)  # JOB-1 again: a re-send
    rows[3] = _row(3, risk_grade="severe")
    rows[5] = _row(5, child_1_first_name="=SUM(A1)")
    rows.append(_row(2, risk_grade="high"))  # JOB-2 again in the same file, graded higher
    client.force_login(police_member)
    mail.outbox.clear()

    response = _upload(client, rows)

    job = PoliceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:police-import-job", args=[job.pk])
    assert job.rows_total == 9
    wait_until(lambda: _finished(job.pk), 60, "the worker did not finish the import")
    job.refresh_from_db()
    assert (job.status, job.rows_done) == ("imported", 9)
    # JOB-1 was first sent about other people: both re-sends differ from the first.
    assert (job.recorded, job.resent, job.changed, job.refused) == (5, 2, 2, 2)
    assert bytes(job.sealed_file) == b""  # the file's children's details are not kept

    page = client.get(response["Location"])
    assert "5 recorded" in page.text
    assert "2 already sent, 2 with problems" in page.text
    assert '<td class="govuk-table__cell">5</td>' in page.text  # row 5: JOB-3's grade
    assert "must be one of" in page.text
    assert "spreadsheet formula" in page.text
    assert f"Row 3: JOB-1 is {before.reference}" in page.text
    assert "Already sent, but different" in page.text
    assert "Risk grade: first standard, now high" in page.text
    assert "hx-trigger" not in page.text  # done: the page stops polling
    recorded = PoliceImportRow.objects.filter(job=job, outcome="recorded")
    assert (
        AuditEvent.objects.filter(
            actor=police_member,
            action="view",
            record_id__in=recorded.values_list("contact_reference", flat=True),
        ).count()
        == recorded.count()
    )
    assert set(PoliceNotification.objects.values_list("police_reference", flat=True)) == {
        f"JOB-{n}" for n in (0, 1, 2, 4, 6, 7)
    }

    # One email to the uploader for the file, none for each notification.
    wait_until(lambda: len(mail.outbox) == 1, 30, "the summary email was not sent")
    summary = mail.outbox[0]
    assert summary.to == [police_member.email]
    assert "5 recorded, 2 already sent (2 of them different), 2 not imported" in summary.body
    assert reverse("referrals:police-import-job", args=[job.pk]) in summary.body
    assert "Rendall" not in summary.body
    assert "Officers attended" not in summary.body
    new = Contact.objects.exclude(pk=before.pk)
    assert not Notice.objects.filter(contact__in=new, kind=Notice.Kind.ACKNOWLEDGEMENT).exists()
    assert PoliceImport.objects.get(pk=job.pk).summary_sent_at is not None
    assert not police_import_jobs.police_import_summary_send(import_id=job.pk)  # once only


@pytest.mark.django_db
def test_the_page_shows_how_far_the_worker_has_got_while_it_runs(client, police_member):
    job = PoliceImport.objects.create(
        uploaded_by=police_member,
        force=police_member.agency,
        sealed_file=file_crypto.encrypt(b"kept"),
        status=PoliceImport.Status.IMPORTING,
        rows_total=600,
        rows_done=200,
        recorded=190,
        refused=10,
        started_at=timezone.now(),
    )
    client.force_login(police_member)
    url = reverse("referrals:police-import-job", args=[job.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "200 of 600 rows done (190 recorded, 0 already sent, 10 not imported)" in fragment.text
    assert f'hx-get="{url}"' in fragment.text
    assert "<html" not in fragment.text
    PoliceImport.objects.filter(pk=job.pk).update(status="imported", sealed_file=b"")
    # Done: the browser reloads the whole page, with the report.
    assert client.get(url, headers={"HX-Request": "true"}).headers["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_the_file_is_kept_sealed_until_the_worker_takes_it(client, police_member, in_the_worker):
    client.force_login(police_member)
    _upload(client, [_row(n) for n in range(3)])
    job = PoliceImport.objects.get()
    assert job.status == "queued"
    kept = bytes(job.sealed_file)
    assert b"Quayle" not in kept
    assert b"Officers attended" not in kept
    assert b"Quayle" in file_crypto.decrypt(kept)
    assert not PoliceNotification.objects.exists()


@pytest.mark.django_db
def test_a_small_file_is_imported_while_the_uploader_waits(client, police_member):
    client.force_login(police_member)
    response = _upload(client, [_row(0)])
    job = PoliceImport.objects.get()
    assert job.status == "imported"
    assert "1 recorded" in client.get(response["Location"]).text


# A worker lost mid-file, as when it is killed: the run's database connection is ended
# as it commits its second chunk (two rows a chunk), and again as it records that it
# stopped, so it leaves the job as it stood. Once (a sequence survives the rollbacks),
# or every time.
KILL_MID_FILE = """
CREATE SEQUENCE test_kill_count;
CREATE FUNCTION test_kill_mid_file() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF ((NEW.rows_done > 2 AND NEW.rows_done > OLD.rows_done)
      OR (NEW.status = 'failed' AND NEW.problem LIKE 'The import stopped with an error%%'))
     AND (%(every)s OR nextval('test_kill_count') <= 2) THEN
    PERFORM pg_terminate_backend(pg_backend_pid());
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_kill_mid_file BEFORE UPDATE ON referrals_policeimport
  FOR EACH ROW EXECUTE FUNCTION test_kill_mid_file();
"""


@pytest.fixture
def two_row_chunks(monkeypatch):
    monkeypatch.setattr(police_import_jobs, "CHUNK", 2)


def _kill_mid_file(every: bool):
    with connection.cursor() as cursor:
        cursor.execute(KILL_MID_FILE % {"every": "true" if every else "false"})


@pytest.fixture
def killer():
    """Installs the trigger when asked; always removes it (a transactional test's
    flush empties tables, never drops triggers)."""
    yield _kill_mid_file
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER IF EXISTS test_kill_mid_file ON referrals_policeimport;"
            "DROP FUNCTION IF EXISTS test_kill_mid_file();"
            "DROP SEQUENCE IF EXISTS test_kill_count;"
        )


def _a_run_lost_mid_file(job_id: int) -> None:
    """Run the import as the task does; it is lost in the second chunk."""
    with pytest.raises(Exception):  # noqa: B017, PT011 - whichever a closed connection raises
        services.police_import_run(import_id=job_id)
    connection.close()  # the next query reconnects, as a new worker would


def _after_the_time_limit() -> timezone.datetime:
    return timezone.now() + timedelta(seconds=police_import_jobs.TASK_TIME_LIMIT + 61)


@pytest.mark.django_db(transaction=True)
def test_a_worker_lost_part_way_is_taken_over_where_it_stopped(
    police_member, two_row_chunks, killer, celery_worker
):
    """The first chunk commits with the job's place in the file; the run is lost in the
    second. The sweep queues it again and the real worker starts after the rows
    already dealt with: each row recorded once, one summary."""
    killer(every=False)
    job = services.police_import_keep(
        actor=police_member, data=csv_file([_row(n) for n in range(5)])
    )
    mail.outbox.clear()

    _a_run_lost_mid_file(job.pk)

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.recorded, job.attempts) == ("importing", 2, 2, 1)
    assert police_import_jobs.police_imports_sweep(now=_after_the_time_limit()) == [job.pk]
    wait_until(lambda: _finished(job.pk), 60, "the worker did not take the import over")
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.recorded, job.refused) == ("imported", 5, 5, 0)
    assert job.attempts == 2
    assert sorted(PoliceNotification.objects.values_list("police_reference", flat=True)) == [
        f"JOB-{n}" for n in range(5)
    ]
    assert list(job.report_rows.values_list("number", flat=True)) == [2, 3, 4, 5, 6]
    wait_until(lambda: len(mail.outbox) == 1, 30, "the summary email was not sent")
    assert "5 recorded" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_file_that_loses_its_worker_every_time_is_given_up_after_the_attempt_cap(
    police_member, two_row_chunks, killer, settings
):
    killer(every=True)
    settings.JOBS_MAX_ATTEMPTS = 2
    job = services.police_import_keep(
        actor=police_member, data=csv_file([_row(n) for n in range(5)])
    )
    for attempt in (1, 2):
        _a_run_lost_mid_file(job.pk)
        assert PoliceImport.objects.get(pk=job.pk).attempts == attempt
        police_import_jobs.police_imports_sweep(now=_after_the_time_limit())

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.recorded) == ("failed", 2, 2)
    assert bytes(job.sealed_file) == b""
    assert "stopped 2 times before the end of the file, after 2 of its 5 rows" in job.problem
    assert police_import_jobs.police_imports_sweep(now=_after_the_time_limit()) == []


@pytest.mark.django_db(transaction=True)
def test_a_summary_whose_sender_was_lost_mid_send_is_sent_by_the_sweep(
    police_member, celery_worker
):
    """A run claimed the summary and was lost before sending it: within the claim's
    time it is left to that run; after, the sweep queues it and the worker sends one."""
    claimed = timezone.now() - police_import_jobs.SUMMARY_CLAIM_EXPIRES - timedelta(minutes=1)
    job = PoliceImport.objects.create(
        uploaded_by=police_member,
        force=police_member.agency,
        status=PoliceImport.Status.IMPORTED,
        rows_total=1,
        rows_done=1,
        recorded=1,
        finished_at=claimed - timedelta(seconds=5),
        summary_claimed_at=claimed,  # the lost run's claim
    )
    mail.outbox.clear()
    soon_after = claimed + timedelta(minutes=1)
    assert not police_import_jobs.police_import_summary_send(import_id=job.pk, now=soon_after)

    police_import_jobs.police_imports_sweep()

    wait_until(
        lambda: PoliceImport.objects.get(pk=job.pk).summary_sent_at is not None,
        30,
        "the sweep did not have the summary sent",
    )
    assert len(mail.outbox) == 1
    assert "1 recorded" in mail.outbox[0].body
    assert not police_import_jobs.police_import_summary_send(import_id=job.pk)


@pytest.mark.django_db
def test_an_uploader_no_longer_police_staff_gets_every_row_refused_with_why(police_member):
    job = services.police_import_keep(
        actor=police_member, data=csv_file([_row(n) for n in range(3)])
    )
    police_member.agency.is_active = False
    police_member.agency.save()
    job = services.police_import_run(import_id=job.pk)
    assert (job.status, job.recorded, job.refused) == ("imported", 0, 3)
    assert set(job.report_rows.values_list("message", flat=True)) == {
        "Only police staff can record a police notification."
    }
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_rows_recorded_together_are_what_recording_them_one_at_a_time_gives(police_member):
    """The same child in rows 2 and 4 (as two incidents): the second is offered the
    record the first made, as when each row was recorded alone; each contact its own
    references, people, relationships, audit and schools' notices."""
    same = {
        "child_1_first_name": "Noor",
        "child_1_last_name": "Abernethy",
        "child_1_date_of_birth": "2016-04-05",
        "postcode": "YO9 9ZZ",
    }
    rows = [_row(0), _row(1, **same), _row(2), _row(3, **same)]
    report = services.police_notifications_import(
        actor=police_member, force=police_member.agency, data=csv_file(rows)
    )
    assert [entry[0] for entry in report.created] == [2, 3, 4, 5]
    first, second = (
        ContactSubject.objects.get(contact__police_notification__police_reference=ref, role="child")
        for ref in ("JOB-1", "JOB-3")
    )
    assert first.match_status == "new_person"
    assert second.match_status == "unmatched"
    assert second.person is None
    assert MatchCandidate.objects.get(subject=second).person_id == first.person_id
    references = list(Contact.objects.order_by("pk").values_list("reference", flat=True))
    assert references == sorted(references)
    assert len(set(references)) == 4
    for contact in Contact.objects.all():
        assert contact.status == "received"
        assert contact.urgency == "routine"
        assert AuditEvent.objects.filter(
            record_id=contact.reference, via="intake:police_notification"
        ).exists()
        assert AuditEvent.objects.filter(
            record_id=contact.reference, via="referrals.police_notifications_import"
        ).exists()
        assert contact.police_notification.involvements.count() == 2
        assert EncompassNotice.objects.filter(contact=contact).count() == 1
    # Each alleged perpetrator to their child; not the child waiting for a screener's match.
    assert Relationship.objects.count() == 3


@pytest.mark.django_db
def test_a_waiting_file_is_sealed_again_when_the_keys_are_rotated(police_member, settings):
    job = services.police_import_keep(actor=police_member, data=csv_file([_row(0)]))
    old, new = settings.DOCUMENT_KEYS[0], Fernet.generate_key().decode()
    settings.DOCUMENT_KEYS = [new, old]
    call_command("documents_rekey", stdout=__import__("io").StringIO())
    settings.DOCUMENT_KEYS = [new]  # the old key removed, as SECURITY.md says
    assert services.police_import_run(import_id=job.pk).recorded == 1


@pytest.mark.django_db
def test_the_report_by_row_goes_after_its_time_and_the_counts_stay(client, police_member, settings):
    client.force_login(police_member)
    _upload(client, [_row(0)])
    job = PoliceImport.objects.get()
    later = timezone.now() + timedelta(days=settings.POLICE_IMPORT_REPORT_DAYS, minutes=1)
    police_import_jobs.police_imports_sweep(now=later)
    assert not PoliceImportRow.objects.exists()
    page = client.get(reverse("referrals:police-import-job", args=[job.pk]))
    assert "1 recorded" in page.text
    assert "this one's has gone" in page.text


# A fault no check foresees: the database refuses one notification (JOB-1, row 3).
REFUSE_JOB_1 = """
CREATE FUNCTION test_refuse_job_1() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.police_reference = 'JOB-1' THEN RAISE EXCEPTION 'Rendall refused for the test'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_refuse_job_1 BEFORE INSERT ON referrals_policenotification
  FOR EACH ROW EXECUTE FUNCTION test_refuse_job_1();
"""


@pytest.mark.django_db
def test_a_row_the_database_refuses_costs_only_itself_and_no_row_is_acknowledged(
    police_member, caplog
):
    """The chunk fails as a whole, so its rows are recorded one by one: the row the
    database refuses is reported refused (no one's details in the log), the rest are
    recorded, and none of them sends an acknowledgement (the file has one summary)."""
    with connection.cursor() as cursor:
        cursor.execute(REFUSE_JOB_1)
    job = services.police_import_keep(
        actor=police_member, data=csv_file([_row(n) for n in range(4)])
    )

    job = services.police_import_run(import_id=job.pk)

    assert (job.status, job.recorded, job.refused) == ("imported", 3, 1)
    refused = job.report_rows.get(outcome="refused")
    assert (refused.number, refused.message) == (3, ROW_FAILED)
    assert set(PoliceNotification.objects.values_list("police_reference", flat=True)) == {
        "JOB-0",
        "JOB-2",
        "JOB-3",
    }
    assert not Notice.objects.filter(kind=Notice.Kind.ACKNOWLEDGEMENT).exists()
    assert "Rendall" not in caplog.text
    assert "Bilal" not in caplog.text


@pytest.mark.django_db
def test_a_reference_repeated_after_its_first_row_was_refused_sends_no_acknowledgement(
    police_member,
):
    """The first REP-1 is refused (a child seen, with no date); the second is then new,
    recorded through the single-notification path, and still unacknowledged."""
    refused = police_input("REP-1", subjects=[police_child(child_seen=True)])
    results = police_notifications_receive_many(
        actor=police_member,
        force=police_member.agency,
        data=[refused, police_input("REP-1")],
        via="referrals.police_notifications_import",
    )
    assert isinstance(results[0], ContactRejected)
    assert results[1].created
    assert not Notice.objects.filter(
        contact=results[1].contact, kind=Notice.Kind.ACKNOWLEDGEMENT
    ).exists()
