"""Police notifications for the demonstration (docs/adr/0037): one of each grade open in
the queue, standard-risk ones ready for bulk triage (and one with a baby, which is
not), and a child whose third notification in a year, at a new address, trips the
cumulative rule. All made up; recorded through the same service as a real force's."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from frontdoor.models import User
from frontdoor.roles import Role
from frontdoor.working_days import working_time_before
from referrals.models import ContactSubject, Involvement, PoliceNotification
from referrals.services import (
    PoliceDetails,
    PoliceNotificationInput,
    SubjectInput,
    police_notification_record,
)
from screening import services as screening_services
from screening.models import Decision, Route, ThresholdLevel

POLICE_MEMBER = "mast.police@police.example"
ACCOUNTS = {
    "standard": "Officers attended a verbal argument between the parents. No injuries, no "
    "weapons, both calm on arrival; the children were asleep upstairs and did not wake.",
    "medium": "Neighbour called police to shouting and a smashed window. Mother has a cut "
    "hand; father left before police arrived. Second call-out this year.",
    "high": "Mother strangled during an argument in front of the children; father arrested "
    "at the scene. DASH: 16 ticks, referred to MARAC.",
}
# (reference, grade, hours before now, child's first and last name, date of birth)
OPEN = [
    ("NYP-DEMO-0101", "high", 2, "Jayden", "Whitlock", date(2017, 6, 2)),
    ("NYP-DEMO-0102", "medium", 3, "Poppy", "Arkwright", date(2014, 9, 19)),
    ("NYP-DEMO-0201", "standard", 4, "Elsie", "Pennington", date(2016, 1, 23)),
    ("NYP-DEMO-0202", "standard", 4, "Reuben", "Castleford", date(2013, 3, 8)),
    ("NYP-DEMO-0203", "standard", 5, "Isla", "Thwaite", date(2018, 11, 30)),
    ("NYP-DEMO-0204", "standard", 5, "Arlo", "Fenwick", date(2012, 7, 14)),
    ("NYP-DEMO-0205", "standard", 6, "Maisie", "Holroyd", date(2015, 4, 5)),
    ("NYP-DEMO-0206", "standard", 6, "Freddie", "Lumb", date(2019, 8, 21)),
]
CUMULATIVE_NHS = "9434765870"


def _child(first, last, born, *, postcode="YO8 4QT", address="", nhs="") -> SubjectInput:
    return SubjectInput(
        role=ContactSubject.Role.CHILD,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        postcode=postcode,
        address=address,
        nhs_number=nhs,
    )


def _send(actor, reference, grade, received_at, children) -> None:
    police_notification_record(
        actor=actor,
        force=actor.agency,
        data=PoliceNotificationInput(
            details=PoliceDetails(
                police_reference=reference,
                incident_number=reference.replace("NYP-DEMO", "INC"),
                incident_at=received_at - timedelta(hours=9),
                incident_type="domestic_abuse",
                risk_grade=grade,
                officer_account=ACCOUNTS[grade],
                officer_name="PC 2291 Hollis",
                family_told=grade != "high",
            ),
            subjects=children,
            involvements=[Involvement.CHILD_PRESENT] * len(children),
            received_at=received_at,
        ),
        via="demo",
    )


def demo_police_load(*, now: datetime) -> int:
    """Record the demo's police notifications, once; returns how many were recorded."""
    actor = User.objects.filter(email__iexact=POLICE_MEMBER).select_related("agency").first()
    screener = User.objects.filter(groups__name=Role.SCREENER).first()
    if actor is None or screener is None or PoliceNotification.objects.exists():
        return 0
    for reference, grade, hours, first, last, born in OPEN:
        _send(actor, reference, grade, now - timedelta(hours=hours), [_child(first, last, born)])
    baby = now.date() - timedelta(days=150)
    _send(
        actor,
        "NYP-DEMO-0207",
        "standard",
        now - timedelta(hours=7),
        [_child("Nell", "Garside", baby)],
    )
    # Tilly: two notifications decided earlier in the year at one address, and today's
    # third at her grandmother's, matched to her by NHS number.
    level = ThresholdLevel.objects.get(number=1)
    for n, days in enumerate((120, 45), start=1):
        received = working_time_before(now - timedelta(days=days), timedelta(hours=1))
        _send(
            actor,
            f"NYP-DEMO-030{n}",
            "standard",
            received,
            [_child("Tilly", "Ramsden", date(2015, 2, 11), nhs=CUMULATIVE_NHS)],
        )
        contact = PoliceNotification.objects.get(police_reference=f"NYP-DEMO-030{n}").contact
        screening_services.screening_claim(actor=screener, contact=contact)
        screening_services.decision_record(
            actor=screener,
            contact=contact,
            route=Route.INFORMATION_AND_ADVICE,
            threshold_level=level,
            rationale="A verbal argument, no injuries; the family accepted the officer's "
            "safety advice. No role for children's services.",
            family_notice=Decision.FamilyNotice.NOTIFY,
            advice_given="Police gave safety advice; call us if anything changes.",
            advice_given_to=["referrer"],
            decided_at=received + timedelta(hours=2),
        )
    _send(
        actor,
        "NYP-DEMO-0303",
        "standard",
        now - timedelta(hours=1),
        [
            _child(
                "Tilly",
                "Ramsden",
                date(2015, 2, 11),
                postcode="HG2 9PX",
                address="14 Otley Road, Harrogate",
                nhs=CUMULATIVE_NHS,
            )
        ],
    )
    return PoliceNotification.objects.count()
