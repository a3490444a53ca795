"""Screening history for the demonstration, made through the screening services.

Older contacts are screened and decided (with approvals where the rules need
them), some recent ones are mid-screening with checks out, and the newest wait in
the queue, so every screen has realistic work on it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from demo.common import NO_DISABILITY, PRIMARY_NEEDS, STRATEGY_NEED_IS_ABUSE
from demo.intake import RecentContact, recent_plan
from demo.onward_services import (
    demo_onward_services_load,
    demo_onward_services_retire,
    demo_service_for,
)
from frontdoor.london import LONDON
from frontdoor.models import Agency, User
from frontdoor.roles import Role
from frontdoor.working_days import add_working_time, is_working_day, next_working_day
from referrals import services as referral_services
from referrals.models import Contact, ContactSubject
from screening import services, services_checks
from screening.meetings import services as meeting_services
from screening.meetings.slots import slot_moment, slot_times
from screening.models import (
    CENSUS_REFERRAL_ROUTES,
    AdviceRecipient,
    ComplexCaseEntry,
    ComplexCaseRun,
    Decision,
    Route,
    Screening,
    SharingBasis,
    ThresholdLevel,
    needs_manager_approval,
)

ROUTE_WEIGHTS = [
    (Route.INFORMATION_AND_ADVICE, 45),
    (Route.EARLY_HELP, 28),
    (Route.SOCIAL_CARE_ASSESSMENT, 16),
    (Route.STRATEGY_DISCUSSION, 8),
    (Route.ALREADY_OPEN, 3),
]
LEVEL_FOR_ROUTE = {
    Route.INFORMATION_AND_ADVICE: 1,
    Route.EARLY_HELP: 2,
    Route.SOCIAL_CARE_ASSESSMENT: 3,
    Route.STRATEGY_DISCUSSION: 4,
    Route.ALREADY_OPEN: 3,
}
ADVICE = (
    "Keep talking with the family about the support school can offer; call us again "
    "if the child says they are hurt or frightened, or stops coming to school."
)
RATIONALES = {
    Route.INFORMATION_AND_ADVICE: "Concerns are low level and the school is already supporting the family; advice given to the referrer on what to watch for and when to call back.",
    Route.EARLY_HELP: "Additional needs that universal services alone are not meeting; the family agrees to an early help assessment with the prevention service.",
    Route.SOCIAL_CARE_ASSESSMENT: "Needs are complex and persistent with previous early help not sustained; a Child and Family assessment is needed to understand risk and needs.",
    Route.STRATEGY_DISCUSSION: "A disclosure of physical harm with injuries seen, and police history of domestic abuse at the address: reasonable cause to suspect significant harm.",
    Route.ALREADY_OPEN: "The family has an allocated social worker; the information has been passed to them the same day.",
}
# Referrals that open a CIN census episode for each child on them.
# A child referred this recently still has an open case: a new worry goes to the
# allocated worker. Longer gaps are re-referrals, and demo/outcomes.py closes the
# earlier case before them (the census allows no overlapping episodes).
OPEN_CASE_DAYS = 90
DISABLED_CHILD_NEED_SHARE = 0.35
COMPLEX_REASON = (
    "Missing episodes and older adults around the child: partners need to share what they know."
)
CHECK_QUESTION = "Any incidents or intelligence about the adults at this address?"
RETURNED = "Please add what the school told you about the sibling before I approve this referral."
SOS = {
    "danger_statement": "Professionals are worried the child could be harmed again if nothing changes at home.",
    "strengths": "The child has a trusted adult at school and attends regularly.",
    "next_steps": "Share the decision with the referrer and the family.",
}


def demo_screening_load(*, seed: int = 2026, now: datetime | None = None) -> int:
    """Screen the demo contacts that have not been touched yet, as at ``now``: today's
    queue (demo.intake.RECENT_PLAN) as far as each one's stage, older ones decided.
    Returns how many were touched."""
    rng = random.Random(seed)
    now = now or timezone.now()
    screener = User.objects.filter(groups__name=Role.SCREENER).first()
    manager = User.objects.filter(groups__name=Role.MANAGER).first()
    if screener is None or manager is None:
        return 0
    demo_onward_services_load()
    demo = _Demo(rng, now, screener, manager)
    plan = recent_plan(now)
    untouched = (
        Contact.objects.filter(status=Contact.Status.RECEIVED, advice_only=False, pathway="")
        .exclude(pk__in=Screening.objects.values("contact_id"))
        .order_by("received_at")
    )
    screened = 0
    for contact in untouched:
        planned = plan.get(contact.received_at)
        if planned is not None:
            screened += demo.take_to(contact, planned)
        elif now - contact.received_at > timedelta(hours=36):
            demo.decide_history(contact)
            screened += 1
    demo_onward_services_retire()
    return screened


class _Demo:
    def __init__(self, rng: random.Random, now: datetime, screener: User, manager: User):
        self.rng, self.now, self.screener, self.manager = rng, now, screener, manager
        self.police = Agency.objects.filter(type=Agency.Type.POLICE).first()
        self.levels = {level.number: level for level in ThresholdLevel.objects.all()}

    def _start(self, contact: Contact, **values) -> None:
        screener = self.screener
        services.screening_claim(actor=screener, contact=contact)
        # A screener settles likely matches first, so children get their history.
        for subject in contact.subjects.filter(match_status=ContactSubject.MatchStatus.UNMATCHED):
            best = subject.match_candidates.order_by("-score").first()
            if best is not None:
                referral_services.match_confirm(actor=screener, candidate=best)
        services.screening_save(actor=screener, contact=contact, values={**SOS, **values})

    def _decide(self, contact: Contact, route: str, decided_at: datetime) -> Decision:
        return services.decision_record(
            actor=self.screener,
            contact=contact,
            route=route,
            threshold_level=self.levels[LEVEL_FOR_ROUTE[route]],
            rationale=RATIONALES[route],
            family_notice=Decision.FamilyNotice.NOTIFY,
            is_complex=route == Route.STRATEGY_DISCUSSION and self.rng.random() < 0.5,
            complex_reason="Several agencies hold worrying information about the household.",
            decided_at=decided_at,
            primary_need=_primary_need(self.rng, contact, route),
            advice_given=ADVICE,
            advice_given_to=[AdviceRecipient.REFERRER],
            service=demo_service_for(self.rng, contact, route, decided_at, self.now),
        )

    def take_to(self, contact: Contact, planned: RecentContact) -> int:
        """Today's queue: take ``contact`` as far as its planned stage."""
        if planned.stage == "new":
            return 0
        flagged = (
            {"complex_flag": True, "complex_reason": COMPLEX_REASON} if planned.complex else {}
        )
        self._start(contact, scaling=self.rng.randint(2, 6), **flagged)
        if planned.stage == "checks" and self.police is not None:
            services_checks.check_request(
                actor=self.screener,
                contact=contact,
                agency=self.police,
                question=CHECK_QUESTION,
                sharing=_demo_sharing(contact),
            )
        elif planned.stage in ("approval", "returned"):
            route = Route.SOCIAL_CARE_ASSESSMENT
            if _case_open(contact):
                route = Route.EARLY_HELP  # a referral would go to the allocated worker
            immediate = contact.urgency == Contact.Urgency.IMMEDIATE
            if not needs_manager_approval(route=route, withholding=False, immediate=immediate):
                return 1
            decided_at = contact.received_at + (self.now - contact.received_at) / 2
            decision = self._decide(contact, route, decided_at)
            if planned.stage == "returned":
                services.decision_return(actor=self.manager, decision=decision, comment=RETURNED)
        return 1

    def decide_history(self, contact: Contact) -> None:
        rng, now = self.rng, self.now
        self._start(contact)
        route = rng.choices(*zip(*ROUTE_WEIGHTS, strict=True))[0]
        if route in CENSUS_REFERRAL_ROUTES and _case_open(contact):
            route = Route.ALREADY_OPEN
        # Most are decided inside the working day; a few run late, as in life.
        took = timedelta(hours=rng.choice([1, 2, 3, 5, 8, 20, 30]))
        decided_at = min(add_working_time(contact.received_at, took), now)
        decision = self._decide(contact, route, decided_at)
        if decision.approval == Decision.Approval.PENDING:
            services.decision_approve(
                actor=self.manager,
                decision=decision,
                approved_at=min(decided_at + timedelta(hours=1), now),
            )


def _demo_sharing(contact: Contact) -> services_checks.Sharing:
    """A parent on the contact agreed on the phone today; with no adult named, the
    screener shares without consent as a child may be at risk of significant harm."""
    adult = (
        contact.subjects.exclude(role__in=ContactSubject.CHILD_ROLES).order_by("position").first()
    )
    if adult is None:
        return services_checks.Sharing(SharingBasis.SIGNIFICANT_HARM)
    return services_checks.Sharing.consent(given_by=adult, given_on=timezone.localdate())


def _case_open(contact: Contact) -> bool:
    """Whether a child on the contact was referred to social care in the last
    OPEN_CASE_DAYS (by a decision on an earlier contact, approved or waiting)."""
    people = [
        subject.person_id
        for subject in contact.subjects.filter(role__in=ContactSubject.CHILD_ROLES)
        if subject.person_id
    ]
    earlier = (
        ContactSubject.objects.filter(
            person_id__in=people,
            contact__received_at__gte=contact.received_at - timedelta(days=OPEN_CASE_DAYS),
            contact__received_at__lte=contact.received_at,
        )
        .exclude(contact=contact)
        .values_list("contact_id", flat=True)
    )
    latest: dict[int, str] = {}
    for contact_id, route in (
        Decision.objects.filter(contact_id__in=list(earlier))
        .exclude(approval=Decision.Approval.RETURNED)
        .order_by("contact_id", "decided_at")
        .values_list("contact_id", "route")
    ):
        latest[contact_id] = route
    return any(route in CENSUS_REFERRAL_ROUTES for route in latest.values())


def _primary_need(rng: random.Random, contact: Contact, route: str) -> str:
    """The CIN census primary need, from the contact's main worry (see demo.common)."""
    if route not in CENSUS_REFERRAL_ROUTES:
        return ""
    if route == Route.STRATEGY_DISCUSSION and rng.random() < STRATEGY_NEED_IS_ABUSE:
        return "N1"
    disabled = (
        contact.subjects.filter(role__in=ContactSubject.CHILD_ROLES)
        .exclude(disabilities=[NO_DISABILITY])
        .exclude(disabilities=[])
    )
    if (
        route == Route.SOCIAL_CARE_ASSESSMENT
        and rng.random() < DISABLED_CHILD_NEED_SHARE
        and disabled.exists()
    ):
        return "N2"  # the child's disability or illness
    weights = PRIMARY_NEEDS[contact.concern_categories[0]]
    return rng.choices([code for code, _ in weights], weights=[w for _, w in weights])[0]


def _latest_slots(now: datetime, count: int) -> list[tuple[date, time]]:
    """The ``count`` latest meeting slots that have started by ``now``, newest first."""
    found: list[tuple[date, time]] = []
    day = now.astimezone(LONDON).date()
    while len(found) < count:
        if is_working_day(day):
            found += [
                (day, slot) for slot in reversed(slot_times()) if slot_moment(day, slot) <= now
            ]
        day -= timedelta(days=1)
    return found[:count]


def demo_meetings_load(*, now: datetime | None = None) -> int:
    """The complex-case meetings of the last two slots, as at ``now``, whatever the
    day: the earlier one held (attendance and an outcome for each case, one needing
    more information), the latest waiting to be held. Returns how many were made."""
    now = now or timezone.now()
    chair = User.objects.filter(groups__name=Role.MANAGER).first()
    if chair is None or ComplexCaseRun.objects.exists():
        return 0
    (current_day, current_slot), (past_day, past_slot) = _latest_slots(now, 2)
    past, _ = meeting_services.complex_case_run(
        meeting_date=past_day, slot=past_slot, as_at=slot_moment(past_day, past_slot)
    )
    attendees = list(
        User.objects.filter(groups__name__in=[Role.SCREENER, Role.PARTNER_AGENCY_MEMBER])
    )
    meeting_services.meeting_attendance_record(
        actor=chair, run=past, attendees=attendees, notes="Police and health attended."
    )
    guest_agency = Agency.objects.filter(type=Agency.Type.EDUCATION).order_by("pk").first()
    if guest_agency is not None:
        meeting_services.meeting_guest_add(
            actor=chair,
            run=past,
            name="Jo Whitfield",
            agency=guest_agency,
            role="Designated safeguarding lead",
        )
    owner = next((a for a in attendees if a.groups.filter(name=Role.SCREENER).exists()), chair)
    for entry in past.entries.order_by("priority"):
        if entry.priority == 1:
            meeting_services.meeting_outcome_record(
                actor=chair,
                entry=entry,
                outcome=ComplexCaseEntry.Outcome.MORE_INFORMATION,
                actions="The school has seen a change in the child since half term.",
                action=meeting_services.ActionInput(
                    "Ask the school about attendance and who collects the child.",
                    owner,
                    # Due the next working day after the later of the meeting and
                    # today: the demo may be loaded as at a day already past.
                    next_working_day(max(now.astimezone(LONDON).date(), timezone.localdate())),
                ),
            )
        else:
            meeting_services.meeting_outcome_record(
                actor=chair,
                entry=entry,
                outcome=ComplexCaseEntry.Outcome.DECISION,
                agreed_route=Route.STRATEGY_DISCUSSION,
                agreed_threshold=ThresholdLevel.objects.get(number=4),
                agreed_reasoning=(
                    "Police and health information together show significant harm is "
                    "likely: a strategy discussion today."
                ),
            )
    meeting_services.complex_case_run(
        meeting_date=current_day,
        slot=current_slot,
        as_at=slot_moment(current_day, current_slot),
    )
    return 2
