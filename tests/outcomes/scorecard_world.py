"""A small world of contacts, built through the services, whose scorecard for
July to September 2026 (2026-Q3) is worked out by hand in the tests.

Times are London wall-clock times (British Summer Time in the quarter). 2026-08-31
is the Summer bank holiday; 2026-07-11 is a Saturday.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime

from demo.screening import LEVEL_FOR_ROUTE
from frontdoor.london import LONDON
from frontdoor.models import Agency, ReferralSource
from frontdoor.nhs_numbers import nhs_number_from
from frontdoor.roles import Role
from outcomes import downstream
from outcomes.models import DownstreamOutcome
from referrals.models import Contact
from referrals.services import ReferrerInput, contact_submit
from screening import services as screening_services
from screening import services_checks
from screening.models import AgencyCheck, Decision, Route, SharingBasis, ThresholdLevel
from screening.services_checks import Sharing
from tests.factories import ADVICE, AgencyFactory, UserFactory, child_input, contact_input

_nhs_base = itertools.count(400_000_001)


def nhs_number() -> str:
    while True:
        if number := nhs_number_from(str(next(_nhs_base))):
            return number


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass
class World:
    screener: object
    manager: object
    school: object
    police: object
    children: dict[str, dict] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)

    def child(self, name: str, *, matched: bool = True):
        if name not in self.children:
            index = len(self.children)
            self.children[name] = {
                "first_name": name,
                "last_name": f"Testchild{'abcdefghijklmnopqrstuvwxyz'[index]}",
                "date_of_birth": date(2012 + index % 5, 1 + index % 12, 1 + index % 27),
                "nhs_number": nhs_number() if matched else "",
            }
        return child_input(**self.children[name])

    def contact(self, key, *, child, received, agency=None, anonymous=False, **extra):
        channel = extra.pop("channel", Contact.Channel.EMAIL)
        referrer = ReferrerInput(anonymous=True) if anonymous else ReferrerInput(name="Someone")
        # Recorded by MAST staff for someone without an account.
        contact, _ = contact_submit(
            actor=self.screener,
            channel=channel,
            data=contact_input(
                subjects=[self.child(child, matched=extra.pop("matched", True))],
                received_at=received,
                source_agency=agency,
                referrer=referrer,
                **extra,
            ),
        )
        self.contacts[key] = contact
        return contact

    def decide(self, key, route, decided, approved=None) -> Decision:
        contact = Contact.objects.get(pk=self.contacts[key].pk)
        screening_services.screening_claim(actor=self.screener, contact=contact)
        decision = screening_services.decision_record(
            actor=self.screener,
            contact=contact,
            route=route,
            threshold_level=ThresholdLevel.objects.get(number=LEVEL_FOR_ROUTE[route]),
            rationale="A rationale long enough to stand up if questioned later on.",
            family_notice=Decision.FamilyNotice.NOTIFY,
            primary_need="N1",
            decided_at=decided,
            **ADVICE,
        )
        if approved is not None:
            screening_services.decision_approve(
                actor=self.manager, decision=decision, approved_at=approved
            )
        return decision

    def check(self, key, basis, asked) -> None:
        """A check asked of the police about contact ``key`` at ``asked``, on ``basis``
        ("not_recorded" for one asked before the basis was recorded)."""
        contact = Contact.objects.get(pk=self.contacts[key].pk)
        screening_services.screening_claim(actor=self.screener, contact=contact)
        if basis == SharingBasis.CONSENT:
            sharing = Sharing.consent(given_by_name="Their mother", given_on=asked.date())
        else:
            sharing = Sharing(basis, reason="Asking would tip off the alleged abuser.")
        check = services_checks.check_request(
            actor=self.screener,
            contact=contact,
            agency=self.police,
            question="Anything known?",
            # What a check asked before the basis was recorded holds after migration 0010.
            sharing=Sharing(SharingBasis.OTHER, reason="x")
            if basis == SharingBasis.NOT_RECORDED
            else sharing,
        )
        AgencyCheck.objects.filter(pk=check.pk).update(
            requested_at=asked,
            sent_at=asked,
            **({"basis": basis, "basis_reason": ""} if basis == SharingBasis.NOT_RECORDED else {}),
        )

    def outcome(self, key, event, on, result="", late_reason=""):
        downstream.outcome_event_record(
            actor=self.manager,
            data=downstream.OutcomeEventInput(
                contact_reference=self.contacts[key].reference,
                child="",
                event=event,
                occurred_on=on,
                assessment_outcome=result,
                late_reason=late_reason,
            ),
            source=DownstreamOutcome.Source.FORM,
        )


E = DownstreamOutcome.Event
NFA = DownstreamOutcome.AssessmentOutcome.NO_FURTHER_ACTION
CIN = DownstreamOutcome.AssessmentOutcome.CHILD_IN_NEED


def empty_world(screener, manager) -> World:
    """A school and the police to refer from, and no contacts yet."""
    return World(
        screener=screener,
        manager=manager,
        school=AgencyFactory(
            name="Riverside Primary",
            type=Agency.Type.EDUCATION,
            referral_source=ReferralSource.objects.get(code="2A"),
        ),
        police=AgencyFactory(name="County Police"),
    )


def build_world(screener, manager) -> World:
    world = empty_world(screener, manager)
    school, police = world.school, world.police

    # Before the quarter: the history re-referrals and repeats look back over.
    world.contact("c0", child="Ava", received=at(2025, 8, 14), agency=school)
    world.decide("c0", Route.SOCIAL_CARE_ASSESSMENT, at(2025, 8, 14, 12), at(2025, 8, 14, 13))
    world.contact("c2", child="Ben", received=at(2025, 7, 10), agency=school)
    world.decide("c2", Route.SOCIAL_CARE_ASSESSMENT, at(2025, 7, 10, 12), at(2025, 7, 10, 13))
    world.contact("c12", child="Jay", received=at(2026, 5, 5), agency=school)
    world.decide("c12", Route.EARLY_HELP, at(2026, 5, 5, 11))

    # Ava: a referral exactly 12 months after her last one (a re-referral); strategy
    # discussion, then an ICPC inside 15 working days (the bank holiday not counted).
    world.contact("c1", child="Ava", received=at(2026, 8, 14), agency=police)
    world.decide("c1", Route.STRATEGY_DISCUSSION, at(2026, 8, 14, 12), at(2026, 8, 14, 13))
    world.outcome("c1", E.STRATEGY_DISCUSSION, date(2026, 8, 17))
    world.outcome("c1", E.ICPC, date(2026, 9, 4))
    world.outcome("c1", E.CP_PLAN, date(2026, 9, 4))

    # Ben: a referral 12 months and a day after his last (not a re-referral), received
    # on a Saturday and decided on Monday morning; assessed, ending in NFA; a strategy
    # discussion whose ICPC came late.
    world.contact("c3", child="Ben", received=at(2026, 7, 11), agency=school)
    world.decide("c3", Route.SOCIAL_CARE_ASSESSMENT, at(2026, 7, 13, 9), at(2026, 7, 13, 10))
    world.outcome("c3", E.ASSESSMENT_STARTED, date(2026, 7, 13))
    world.outcome("c3", E.ASSESSMENT_COMPLETED, date(2026, 8, 20), NFA)
    world.outcome("c3", E.STRATEGY_DISCUSSION, date(2026, 7, 14))
    world.outcome("c3", E.ICPC, date(2026, 8, 10), late_reason="The family asked to move it.")

    # Cai: two contacts in one month, neither progressed; the second decided late.
    world.contact("c4", child="Cai", received=at(2026, 7, 6, 9), agency=school)
    world.decide("c4", Route.EARLY_HELP, at(2026, 7, 6, 11))
    world.contact("c5", child="Cai", received=at(2026, 7, 20, 9), agency=school)
    world.decide("c5", Route.INFORMATION_AND_ADVICE, at(2026, 7, 21, 10))

    # Dee: received on the quarter's last afternoon, decided in the next quarter.
    world.contact("c6", child="Dee", received=at(2026, 9, 30, 16), agency=school)
    world.decide("c6", Route.INFORMATION_AND_ADVICE, at(2026, 10, 1, 10))

    # Eve: received half an hour into the quarter (23:30 UTC on 30 June), anonymously
    # through the contact centre; never decided, so overdue.
    world.contact(
        "c7",
        child="Eve",
        received=at(2026, 7, 1, 0, 30),
        anonymous=True,
        channel=Contact.Channel.CONTACT_CENTRE,
    )

    # Fay: received on the Friday before the bank-holiday Monday, decided on Tuesday
    # inside its time; assessed (completion falls in the next quarter); a strategy
    # discussion with no conference.
    world.contact("c8", child="Fay", received=at(2026, 8, 28, 15), agency=school)
    world.decide("c8", Route.SOCIAL_CARE_ASSESSMENT, at(2026, 9, 1, 14), at(2026, 9, 1, 15))
    world.outcome("c8", E.ASSESSMENT_STARTED, date(2026, 9, 2))
    world.outcome("c8", E.STRATEGY_DISCUSSION, date(2026, 9, 30))
    world.outcome("c8", E.ASSESSMENT_COMPLETED, date(2026, 10, 5), CIN)

    # Gus: Information and Advice, superseded five days later by an assessment.
    world.contact("c9", child="Gus", received=at(2026, 9, 10), agency=police)
    world.decide("c9", Route.INFORMATION_AND_ADVICE, at(2026, 9, 10, 11))
    world.decide("c9", Route.SOCIAL_CARE_ASSESSMENT, at(2026, 9, 15, 9), at(2026, 9, 15, 10))
    world.outcome("c9", E.ASSESSMENT_STARTED, date(2026, 9, 16))
    world.outcome("c9", E.ASSESSMENT_COMPLETED, date(2026, 9, 29), CIN)

    # Hal: a strategy discussion decided but never approved: not decided, so overdue.
    world.contact("c10", child="Hal", received=at(2026, 9, 21), agency=police)
    world.decide("c10", Route.STRATEGY_DISCUSSION, at(2026, 9, 21, 12))

    # Ivy: a phone consultation ending in advice (decided as the call ended).
    world.contact(
        "c11",
        child="Ivy",
        received=at(2026, 8, 3),
        agency=police,
        channel=Contact.Channel.PHONE_CONSULTATION,
        advice_only=True,
        advice_given="Advice on talking to the family about school attendance.",
    )

    # Kit: half an hour into the next quarter (23:30 UTC on 30 September).
    world.contact("c13", child="Kit", received=at(2026, 10, 1, 0, 30), agency=school)

    # Checks asked of the police, by London date: Jay's before the quarter; Ben's with
    # consent; Ava's without (significant harm); Gus's twice without (prejudice, then
    # significant harm); Cai's before the basis was recorded; Dee's at 23:30 on the
    # quarter's last day (22:30 UTC, in) and at 00:30 on 1 October (23:30 UTC on
    # 30 September, out), both for another lawful reason.
    world.check("c12", SharingBasis.SIGNIFICANT_HARM, at(2026, 5, 5, 11))
    world.check("c3", SharingBasis.CONSENT, at(2026, 7, 13, 9, 30))
    world.check("c1", SharingBasis.SIGNIFICANT_HARM, at(2026, 8, 14, 11))
    world.check("c9", SharingBasis.PREJUDICE, at(2026, 9, 10, 10, 30))
    world.check("c9", SharingBasis.SIGNIFICANT_HARM, at(2026, 9, 11, 10))
    world.check("c4", SharingBasis.NOT_RECORDED, at(2026, 7, 6, 10))
    world.check("c6", SharingBasis.OTHER, at(2026, 9, 30, 23, 30))
    world.check("c6", SharingBasis.OTHER, at(2026, 10, 1, 0, 30))
    return world


def build_world_with_staff() -> World:
    """The world with its own screener and manager, for a module that builds it once
    (tests/support/worlds.py) and so cannot use the per-test personas."""
    screener = UserFactory(roles=[Role.SCREENER], full_name="Sam Screener")
    manager = UserFactory(roles=[Role.MANAGER], full_name="Morgan Manager")
    return build_world(screener, manager)
