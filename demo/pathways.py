"""The demo's specialist pathways (docs/adr/0046): a contact of each, made through
the pathway service as the LADO and a screener would record them, some with their
outcome. Made-up people only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from frontdoor.models import User
from frontdoor.roles import Role
from frontdoor.working_days import working_time_before
from referrals.models import ContactSubject, Pathway
from referrals.services import ReferrerInput, SubjectInput
from screening import services_pathways as pathways
from screening.models import PathwayRecord


def _child(first: str, last: str, born: date) -> SubjectInput:
    return SubjectInput(
        role=ContactSubject.Role.CHILD, first_name=first, last_name=last, date_of_birth=born
    )


# (pathway, days ago, concerns, child, referrer, details, outcome and note or None)
PLANS = [
    (
        Pathway.LADO,
        6,
        "A pupil told her form tutor that the swimming coach pushed her head under the "
        "water as a punishment.",
        _child("Ellie", "Marsh", date(2014, 5, 2)),
        ReferrerInput(name="Dana Flint", role="Headteacher", organisation="Riverside Primary"),
        {
            "adult_name": "Craig Dunmore",
            "adult_role": "Swimming coach",
            "organisation": "Riverside Leisure Centre",
            "organisation_contact": "Duty manager, 01632 960201",
        },
        ("allegation_meeting", "Allegation management meeting booked with the employer."),
    ),
    (
        Pathway.LADO,
        0,
        "A youth worker is said to have messaged a 14-year-old on social media late at night.",
        _child("Tyler", "Brook", date(2012, 1, 19)),
        ReferrerInput(name="PC Amir Khan", role="Police officer"),
        {
            "adult_name": "Jordan Pike",
            "adult_role": "Youth worker (volunteer)",
            "organisation": "Eastfield Youth Club",
            "organisation_contact": "Chair of trustees, 01632 960202",
        },
        None,
    ),
    (
        Pathway.PRIVATE_FOSTERING,
        3,
        "Nadia has lived with her friend's family since September while her mother works abroad.",
        _child("Nadia", "Kowalski", date(2011, 8, 30)),
        ReferrerInput(name="Dana Flint", role="Headteacher", organisation="Riverside Primary"),
        {
            "adult_name": "Helen Ward",
            "adult_role": "A family friend",
            "organisation_contact": "4 Mill Lane, 01632 960203",
        },
        None,
    ),
    (
        Pathway.NRPF,
        2,
        "A mother and two children are sleeping at a friend's flat; she has no recourse to "
        "public funds.",
        _child("Joy", "Adeyemi", date(2019, 3, 14)),
        ReferrerInput(name="Housing Options", organisation="District council"),
        {"team": "No Recourse to Public Funds team", "request": "Accommodation and subsistence"},
        ("routed", "Passed to the NRPF team for a section 17 assessment of need."),
    ),
    (
        Pathway.UNACCOMPANIED,
        1,
        "A boy who says he is 16 arrived at the police station having left a lorry at the "
        "services.",
        _child("Ahmad", "Rahimi", date(2010, 1, 1)),
        ReferrerInput(name="PC Amir Khan", role="Police officer"),
        {"team": "Children in Care (UASC) team", "request": "Brought in by the police"},
        None,
    ),
    (
        Pathway.INFORMATION_REQUEST,
        5,
        "Leeds ask what we know about Mia, who has moved to their area.",
        _child("Mia", "Holt", date(2016, 11, 9)),
        ReferrerInput(name="Sam Duty", organisation="Leeds City Council"),
        {
            "organisation": "Leeds City Council",
            "organisation_contact": "Sam Duty, 0113 000 0000",
            "request": "Previous contacts and their outcomes",
        },
        ("shared", "One earlier contact (advice given); shared securely with their duty team."),
    ),
    (
        Pathway.CP_TRANSFER_IN,
        2,
        "Wakefield transfer the Clarke children, on child protection plans, who moved here.",
        _child("Leo", "Clarke", date(2018, 6, 21)),
        ReferrerInput(name="Kim Ross", organisation="Wakefield Council"),
        {
            "organisation": "Wakefield Council",
            "organisation_contact": "Kim Ross, 01924 000000",
            "request": "A transfer-in conference within 15 working days",
        },
        None,
    ),
]


def demo_pathways_load(*, now: datetime | None = None) -> int:
    """A contact of each pathway, once; returns how many were recorded."""
    now = now or timezone.now()
    lado = User.objects.filter(groups__name=Role.LADO).first()
    screener = User.objects.filter(groups__name=Role.SCREENER).first()
    if lado is None or screener is None or PathwayRecord.objects.exists():
        return 0
    for pathway, days_ago, concerns, child, referrer, details, outcome in PLANS:
        actor = lado if pathway == Pathway.LADO else screener
        received = working_time_before(now - timedelta(days=days_ago), timedelta(hours=2))
        record = pathways.pathway_record(
            actor=actor,
            pathway=pathway,
            data=pathways.PathwayInput(
                concerns=concerns,
                children=[child],
                referrer=referrer,
                details=details,
                due_on=(now + timedelta(days=10)).date(),
                received_at=received,
            ),
        )
        if outcome is not None:
            pathways.pathway_outcome(
                actor=actor,
                record=record,
                outcome=outcome[0],
                note=outcome[1],
                at=min(received + timedelta(hours=3), now),
            )
    return len(PLANS)
