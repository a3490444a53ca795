"""Issue 22's figures (docs/adr/0037, 0040): bulk triage of 50 standard-risk police
notifications in one request, and a force's batch file of 5,000 notifications imported
as its uploader imports it (the page, then the worker).

Each run records its own notifications first (untimed), about made-up children with
names no one else has, so none has a history flag and all 50 may be bulk-decided;
they stay in the bench database, decided (bench databases only grow)."""

from __future__ import annotations

import csv
import io
import random
import string
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bench.measures_events import worker_process
from bench.report import Result
from bench.sampling import WARM_UP, member_of, signed_in
from frontdoor.models import User
from frontdoor.roles import Role
from referrals.models import (
    OPEN_STATUSES,
    Contact,
    ContactSubject,
    Involvement,
    PoliceImport,
    WithdrawalReason,
)
from referrals.services import (
    PoliceDetails,
    PoliceNotificationInput,
    SubjectInput,
    police_notification_record,
)
from referrals.services.police_import import COLUMNS
from screening.models import OnwardService, Route
from screening.selectors.police import bulk_triage as bulk_triage_rows
from screening.services_police import rationale_template
from screening.services_withdraw import contact_withdraw

POLICE_MEMBER = "mast.police@police.example"
BULK = 50
IMPORT_ROWS = 5000
BULK_REPEATS = 20  # each records 50 notifications first
IMPORT_WAIT_SECONDS = 900


def close_imported_contacts() -> int:
    """Close the bench's own notifications still open. A force's file brings 5,000
    contacts a run; left open, each run's would swell every later run's queue, so the
    queue, complex-case and today figures would drift up from run to run. Untimed."""
    return Contact.objects.filter(
        police_notification__police_reference__startswith="BENCH-",
        status__in=OPEN_STATUSES,
    ).update(status=Contact.Status.CLOSED, updated_at=timezone.now())


def _police_member() -> User:
    user = User.objects.filter(email__iexact=POLICE_MEMBER).select_related("agency").first()
    if user is None:
        raise SystemExit("Police figures: no demo police member; load the demo data first.")
    return user


def _name(rng: random.Random) -> str:
    # Letters no real name has together, so matching finds no one (and no history).
    return "Zq" + "".join(rng.choices(string.ascii_lowercase, k=9))


def _reference(rng: random.Random) -> str:
    return "BENCH-" + "".join(rng.choices(string.ascii_uppercase + string.digits, k=12))


def _standard_notifications(member: User, rng: random.Random, count: int) -> list:
    contacts = []
    for _ in range(count):
        contact, _ = police_notification_record(
            actor=member,
            force=member.agency,
            via="bench",
            data=PoliceNotificationInput(
                details=PoliceDetails(
                    police_reference=_reference(rng),
                    incident_at=timezone.now() - timedelta(hours=6),
                    incident_type="domestic_abuse",
                    risk_grade="standard",
                    officer_account="A verbal argument; no injuries; children asleep.",
                    family_told=True,  # bulk triage refuses one the family was not told of
                ),
                subjects=[
                    SubjectInput(
                        role=ContactSubject.Role.CHILD,
                        first_name=_name(rng),
                        last_name=_name(rng),
                        date_of_birth=date(2015, 1 + rng.randrange(12), 1 + rng.randrange(28)),
                    )
                ],
                involvements=[Involvement.CHILD_PRESENT],
            ),
        )
        contacts.append(contact)
    return contacts


def _withdraw_bench_rows(screener: User, *, keep: bool) -> tuple[list[Contact], int]:
    """The bench's own standard notifications the triage page lists: withdrawn (sent in
    error) unless they may be bulk-decided and ``keep``; those kept are returned. The
    page lists the 50 due soonest, so an earlier run's leftovers, or a child offered a
    likely match (not bulk-decidable until a screener matches them), would take the
    places of the run's own. Untimed. Returns those kept, and how many were withdrawn."""
    kept, withdrawn = [], 0
    for row in bulk_triage_rows(user=screener):
        if not row.notification.police_reference.startswith("BENCH-"):
            continue
        if keep and row.may_bulk_decide:
            kept.append(row.contact)
            continue
        contact_withdraw(
            actor=screener,
            contact=row.contact,
            reason=WithdrawalReason.SENT_IN_ERROR,
            note="A bench notification the triage run does not decide.",
        )
        withdrawn += 1
    return kept, withdrawn


def _offered(screener: User, member: User, rng: random.Random, batch: int) -> list[Contact]:
    """``batch`` new standard notifications the page offers for bulk triage."""
    # The page lists 50 at a time: clear until it lists none of the bench's.
    while _withdraw_bench_rows(screener, keep=False)[1]:
        pass
    offered: list[Contact] = []
    for _ in range(5):
        _standard_notifications(member, rng, batch - len(offered))
        offered, _ = _withdraw_bench_rows(screener, keep=True)
        if len(offered) >= batch:
            return offered[:batch]
    raise SystemExit(f"Bulk triage: only {len(offered)} of {batch} may be bulk-decided")


def bulk_triage(repeats: int, batch: int = BULK) -> Result:
    """One POST of the triage page deciding ``batch`` notifications (early help), each
    with its own rationale; timed from the request to the redirect."""
    screener = member_of(Role.SCREENER)
    member, client = _police_member(), signed_in(screener)
    # A new seed each run: the same police references again would be re-sends of the
    # last run's notifications (recognised, already decided), not new ones.
    rng = random.Random(time.time_ns())
    samples = []
    runs = min(repeats, BULK_REPEATS)
    for run in range(WARM_UP + runs):
        contacts = _offered(screener, member, rng, batch)
        data = {"contact": [c.reference for c in contacts], "route": Route.EARLY_HELP}
        # Where Early Help has the council's services (the demo's), one for the batch.
        service = (
            OnwardService.objects.active()
            .under(Route.EARLY_HELP)
            .filter(needs_consent=False)
            .order_by("name")
            .first()
        )
        if service is not None:
            data["service"] = service.pk
        for contact in contacts:
            data[f"rationale-{contact.reference}"] = (
                rationale_template(contact) + "a verbal argument only; early help offered."
            )
        started = time.perf_counter()
        response = client.post(reverse("screening:police-triage"), data)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 302 or response.url != reverse("screening:police-triage"):
            raise SystemExit(f"Bulk triage: {response.status_code} from the page")
        if run >= WARM_UP:
            samples.append(elapsed)
    result = Result("police_bulk_triage", f"Bulk triage of {batch} police notifications", samples)
    result.notes.append(
        f"{runs} requests, each deciding {batch} standard-risk notifications recorded just "
        "before (untimed), each its own decision, notices and audit"
    )
    return result


def _batch_file(rng: random.Random, rows: int) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    for _ in range(rows):
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            police_reference=_reference(rng),
            incident_date=day,
            incident_time="21:40",
            incident_type="domestic_abuse",
            risk_grade=rng.choice(["medium", "medium", "high"]),
            officer_account="Officers attended an argument between the parents.",
            child_1_first_name=_name(rng),
            child_1_last_name=_name(rng),
            # Born on different days, as a force's children are: one date for all would
            # make each child a look-alike of every bench child before it (the same day
            # and initial), which matching must score, and no file holds. All of school
            # age, so each still raises a school's notice.
            child_1_date_of_birth=date(
                2010 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28)
            ).isoformat(),
            child_1_involvement="present",
            adult_1_first_name=_name(rng),
            adult_1_last_name=_name(rng),
            adult_1_involvement="victim",
        )
        writer.writerow(row)
    return buffer.getvalue().encode()


def police_import(
    rows: int = IMPORT_ROWS, worker: Callable[[], AbstractContextManager] = worker_process
) -> Result:
    """A force's file of ``rows`` notifications as a police member imports it: uploaded
    through the page (checked and kept as a job while they wait), then imported by one
    Celery worker process; timed from the upload until the job is finished."""
    member = _police_member()
    data = _batch_file(random.Random(time.time_ns()), rows)
    client = signed_in(member)
    with worker():
        started = time.perf_counter()
        response = client.post(
            reverse("referrals:police-import"),
            {"file": SimpleUploadedFile("batch.csv", data, content_type="text/csv")},
        )
        if response.status_code != 302:
            raise SystemExit(f"Police import: {response.status_code} from the upload page")
        job = PoliceImport.objects.filter(uploaded_by=member).order_by("-pk").first()
        deadline = time.monotonic() + IMPORT_WAIT_SECONDS
        while not PoliceImport.objects.get(pk=job.pk).finished:
            if time.monotonic() > deadline:
                raise SystemExit(f"Police import: not finished within {IMPORT_WAIT_SECONDS} s")
            time.sleep(0.1)
        elapsed = (time.perf_counter() - started) * 1000
    job.refresh_from_db()
    if job.status != PoliceImport.Status.IMPORTED or job.recorded != rows:
        raise SystemExit(
            f"Police import: {job.get_status_display()}, {job.recorded} of {rows} recorded "
            f"({job.refused} refused) {job.problem}"
        )
    result = Result("police_import", f"Import of {rows:,} police notifications", [elapsed])
    result.rate = rows / (elapsed / 1000)
    result.notes.append(
        f"one file of {rows:,} rows (a child and an adult each) uploaded through the page and "
        "imported by one Celery worker process, timed until the job was finished; every row "
        "recorded, one summary email"
    )
    return result
