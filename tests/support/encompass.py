"""Police notifications for the Operation Encompass tests, and a small schools directory.

``police_notification`` records one through the real recording service
(``police_notification_record``), as an officer of the test force, so the notices come
from the POLICE_NOTIFICATION_RECORDED the service publishes once the involvements are
written.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime

from frontdoor.models import Agency, ReferralSource, User
from frontdoor.roles import Role
from outcomes.models_encompass import School, TermCalendar, TermPeriod
from referrals.models import ContactSubject, PoliceNotification
from referrals.models.police import IncidentType, Involvement, RiskGrade
from referrals.services import PoliceDetails, PoliceNotificationInput, police_notification_record
from tests.factories import AgencyFactory, UserFactory, adult_input, child_input

OFFICER_ACCOUNT = (
    "Officers attended after a neighbour called. The mother had a cut lip and said her "
    "partner had thrown a mug; the partner was arrested at the scene."
)
_references = itertools.count(1)
# The child's NHS number links each notification about her to the one person record.
AMELIA_NHS = "9434765919"


def force() -> Agency:
    found = Agency.objects.filter(name="Encompass Test Police").first()
    return found or AgencyFactory(
        name="Encompass Test Police",
        type=Agency.Type.POLICE,
        referral_source=ReferralSource.objects.get(code="6"),
    )


def officer() -> User:
    """The force's officer seconded to the front door, who records its notifications."""
    police = force()
    found = User.objects.filter(agency=police).first()
    return found or UserFactory(
        roles=[Role.PARTNER_AGENCY_MEMBER], agency=police, full_name="Pat Officer"
    )


def police_notification(
    *,
    incident_at: datetime,
    received_at: datetime | None = None,
    children=None,
    present=(True,),
    incident_type=IncidentType.DOMESTIC_ABUSE,
) -> PoliceNotification:
    """A police notification of an incident, its children ``present`` (True) or only
    resident (False), in order, and their mother the victim; recorded by the force's
    officer through the recording service, received when ``received_at`` says (else at
    the incident)."""
    children = children if children is not None else [child_input(nhs_number=AMELIA_NHS)]
    subjects = [*children, adult_input(role=ContactSubject.Role.PARENT)]
    involvements = [
        Involvement.CHILD_PRESENT if was_present else Involvement.CHILD_RESIDENT
        for _, was_present in zip(children, itertools.cycle(present), strict=False)
    ] + [Involvement.VICTIM]
    reference = f"DA/{next(_references):05d}/26"
    police = officer()
    contact, created = police_notification_record(
        actor=police,
        force=police.agency,
        data=PoliceNotificationInput(
            details=PoliceDetails(
                police_reference=reference,
                incident_at=incident_at,
                incident_type=incident_type,
                risk_grade=RiskGrade.STANDARD,
                officer_account=OFFICER_ACCOUNT,
                officer_name="PC 1234 Jones",
                family_told=True,
            ),
            subjects=subjects,
            involvements=involvements,
            received_at=received_at or incident_at,
        ),
    )
    assert created, reference
    return contact.police_notification


def calendar_2026_27(*, default: bool = True) -> TermCalendar:
    """Northshire's terms for 2026-27: half term 26-30 October 2026, Christmas from
    19 December, February half term 15-19 February 2027."""
    calendar, made = TermCalendar.objects.get_or_create(
        name="Northshire schools", defaults={"is_default": default}
    )
    if not made:
        return calendar
    for name, start, end in [
        ("Autumn 1", date(2026, 9, 3), date(2026, 10, 23)),
        ("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
        ("Spring 1", date(2027, 1, 5), date(2027, 2, 12)),
        ("Spring 2", date(2027, 2, 22), date(2027, 3, 26)),
        ("Summer 1", date(2027, 4, 12), date(2027, 5, 28)),
        ("Summer 2", date(2027, 6, 7), date(2027, 7, 21)),
    ]:
        TermPeriod.objects.create(calendar=calendar, name=name, starts_on=start, ends_on=end)
    return calendar


def school(**overrides) -> School:
    values = {
        "urn": str(100000 + School.objects.count() + 1),
        "name": "Millbrook Primary School",
        "phase": "Primary",
        "local_authority": "Northshire",
        "la_code": "815",
        "establishment_number": "2001",
        "key_adult_name": "Jo Key",
        "key_adult_email": "jo.key@millbrook.example.sch.uk",
        "secure_email": "dsl@millbrook.example.sch.uk",
    }
    return School.objects.create(**{**values, **overrides})
