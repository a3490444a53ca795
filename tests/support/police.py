"""Police notifications in tests: what a force sends, recorded through the service, and
the same as the web form's fields and a CSV file's rows."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from django.utils import timezone

from referrals.models import ContactSubject, Involvement
from referrals.services import (
    PoliceDetails,
    PoliceNotificationInput,
    SubjectInput,
    police_notification_record,
)
from referrals.services.police_import import COLUMNS

ACCOUNT = (
    "Officers attended a verbal argument between the parents; no injuries, both calm on "
    "arrival. The children were upstairs asleep."
)


def police_child(**overrides) -> SubjectInput:
    values = {
        "role": ContactSubject.Role.CHILD,
        "first_name": "Mia",
        "last_name": "Fletcher",
        "date_of_birth": timezone.localdate() - timedelta(days=8 * 365),
        "postcode": "YO1 7HH",
    }
    return SubjectInput(**{**values, **overrides})


def police_input(
    reference: str = "NY-24-000001",
    *,
    grade: str = "standard",
    incident_type: str = "domestic_abuse",
    subjects=None,
    involvements=None,
    incident_at: datetime | None = None,
    received_at: datetime | None = None,
    account: str = ACCOUNT,
    family_told: bool | None = True,
) -> PoliceNotificationInput:
    subjects = subjects if subjects is not None else [police_child()]
    if involvements is None:
        involvements = [
            Involvement.CHILD_PRESENT
            if subject.role in ContactSubject.CHILD_ROLES
            else Involvement.VICTIM
            for subject in subjects
        ]
    return PoliceNotificationInput(
        details=PoliceDetails(
            police_reference=reference,
            incident_number="INC-42",
            incident_at=incident_at or (received_at or timezone.now()) - timedelta(hours=3),
            incident_type=incident_type,
            risk_grade=grade,
            officer_account=account,
            officer_name="PC 1234 Reid",
            family_told=family_told,
        ),
        subjects=subjects,
        involvements=involvements,
        received_at=received_at,
    )


def record(actor, reference: str = "NY-24-000001", **kwargs):
    """Record a notification from ``actor``'s force; returns (contact, created)."""
    return police_notification_record(
        actor=actor, data=police_input(reference, **kwargs), force=actor.agency
    )


def form_fields(reference: str = "NY-24-000001", **overrides) -> dict[str, str]:
    """What the web form posts for one notification about one child present."""
    day = timezone.localdate() - timedelta(days=1)
    fields = {
        "incident-police_reference": reference,
        "incident-incident_number": "INC-42",
        "incident-incident_date_0": str(day.day),
        "incident-incident_date_1": str(day.month),
        "incident-incident_date_2": str(day.year),
        "incident-incident_time": "22:15",
        "incident-incident_type": "domestic_abuse",
        "incident-risk_grade": "standard",
        "incident-officer_name": "PC 1234 Reid",
        "incident-officer_account": ACCOUNT,
        "incident-family_told": "yes",
        "incident-address": "4 Mill Lane, York",
        "incident-postcode": "YO1 7HH",
        "child-0-first_name": "Mia",
        "child-0-last_name": "Fletcher",
        "child-0-date_of_birth_0": "3",
        "child-0-date_of_birth_1": "5",
        "child-0-date_of_birth_2": str(day.year - 8),
        "child-0-involvement": "child_present",
        "child-0-child_said": "Mummy and daddy were shouting.",
        "adult-0-first_name": "Lee",
        "adult-0-last_name": "Fletcher",
        "adult-0-involvement": "alleged_perpetrator",
        "adult-0-relationship_to_children": "Father",
    }
    fields.update(overrides)
    return fields


def csv_row(reference: str, **overrides) -> dict[str, str]:
    day = timezone.localdate() - timedelta(days=1)
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        {
            "police_reference": reference,
            "incident_date": day.isoformat(),
            "incident_time": "21:40",
            "incident_type": "domestic_abuse",
            "risk_grade": "standard",
            "officer_account": ACCOUNT,
            "officer_name": "PC 77 Shaw",
            "family_told": "yes",
            "postcode": "YO1 7HH",
            "child_1_first_name": "Noah",
            "child_1_last_name": "Bennett",
            "child_1_date_of_birth": (day - timedelta(days=6 * 365)).isoformat(),
            "child_1_involvement": "present",
            "adult_1_first_name": "Carl",
            "adult_1_last_name": "Bennett",
            "adult_1_involvement": "alleged_perpetrator",
        }
    )
    row.update(overrides)
    return row


def csv_file(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()
