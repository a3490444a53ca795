"""Synthetic history at regional or national scale, for benchmarks.

``synthetic_generate`` appends made-up contacts spread over the ``years`` before
``end`` with what the real services would have written for them by now: the
people on them and their person records, screenings with Signs of Safety,
multi-agency checks, decisions (approved by a manager where the rules need it, a
few superseded), notices to referrers and families, and what social care did
after each referral. Proportions follow DOMAIN.md: about 45 % Information and
Advice, 1.6 children a contact, a quarter of contacts about a child already
known, re-referrals near England's 22 %, 31 % of strategy discussions reaching
a conference. Contacts from the last two working days are left in the queue;
older ones are decided as the services would have left them.

Why it writes rows itself instead of calling the services: the services take
tens of milliseconds a contact, so a million contacts would take days. Instead
rows are generated in Python and streamed with ``COPY`` in one transaction:

* Primary keys are assigned here, from the tables' largest ids read under a
  lock, and the identity sequences moved past them at the end, so the real
  services carry on from there. Contact references come from the per-year
  ``ReferenceCounter`` in blocks, so later real intake never reuses one.
* ``session_replication_role = replica`` for this transaction only: triggers do
  not fire. On these tables the triggers are django-pghistory's change history,
  the append-only and decision-immutability guards, and the foreign-key checks.
  Synthetic rows were never changed, so they have no change history to record,
  and nothing here updates a decision. Because foreign keys go unchecked, this
  module must produce only references that resolve (tests/test_synthetic.py
  checks every one). CHECK, NOT NULL and UNIQUE constraints are not triggers, so
  PostgreSQL still enforces them on every row. Setting the role needs a
  superuser (the embedded PostgreSQL's user is one) or
  ``GRANT SET ON PARAMETER session_replication_role``.
* When the load at least doubles a table, its plain (non-unique, non-primary)
  indexes are dropped inside the transaction and rebuilt after the ``COPY``:
  building an index once is far cheaper than maintaining it row by row, and DDL
  is transactional in PostgreSQL, so a failure restores them untouched.
* Generation runs in a second thread while the main thread feeds PostgreSQL, so
  Python and the server use both cores. Memory stays bounded: contacts are made a
  chunk at a time, and a family is forgotten two years after its last contact.

No change history or audit rows are written (nobody changed or read these
records), and notices are written as already delivered, so no worker ever sends
one. Email addresses use reserved example domains and telephone numbers Ofcom's
drama ranges. Never run this against a database holding real records.
"""

from __future__ import annotations

import queue
import random
import resource
import threading
import time as timer
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from faker.providers.person.en_GB import Provider as NameProvider

from frontdoor.models import Agency, ReferralSource, User
from frontdoor.roles import Permission, Role
from frontdoor.working_days import LONDON, decision_due, is_working_day
from outcomes.models import DownstreamOutcome, Notice
from referrals.demo import NARRATIVES
from referrals.models import ApiClient, ConcernCategory, Contact, ContactSubject
from screening.demo import LEVEL_FOR_ROUTE, RATIONALES
from screening.models import (
    CHECK_AGENCY_TYPES,
    REFERRAL_ROUTES,
    ROUTES_NEEDING_APPROVAL,
    Route,
    ThresholdLevel,
)

Progress = Callable[[str], None]
CHUNK_CONTACTS = 20_000
RECENT_WORKING_DAYS = 2  # contacts this recent are still in the queue
DAY = 86_400
HOUR = 3_600
YEAR = 365 * DAY
NULL = "\\N"

# Shares of decided contacts by route (DOMAIN.md; "already open" takes the rest).
# Advice given during a phone consultation is an Information and Advice decision.
ROUTE_WEIGHTS = [
    (Route.INFORMATION_AND_ADVICE, 45),
    (Route.EARLY_HELP, 25),
    (Route.SOCIAL_CARE_ASSESSMENT, 15),
    (Route.STRATEGY_DISCUSSION, 8),
    (Route.ALREADY_OPEN, 7),
]
CHILDREN_WEIGHTS = [(1, 55), (2, 30), (3, 11), (4, 4)]  # mean 1.64
# About a quarter of contacts are about a child already known. A referral picks a
# child referred in the year before often enough that re-referrals come out near
# England's 22 %; the other repeats mostly fall within twelve months too.
RE_REFERRAL_SHARE = 0.2
REFERRAL_OTHER_REPEAT_SHARE = 0.06
NOT_REFERRAL_REPEAT_SHARE = 0.25
REPEAT_WITHIN_YEAR_SHARE = 0.8
FORGET_FAMILY_AFTER = 2 * YEAR + 31 * DAY  # longer than any look-back above
CHANGED_DECISION_SHARE = 0.04  # early help or assessment after a first, lower route
RETURNED_DECISION_SHARE = 0.03  # a manager returned the first decision
CHECK_SHARE = {  # ~30 % of contacts have multi-agency checks, more of the riskier
    Route.INFORMATION_AND_ADVICE: 0.12,
    Route.EARLY_HELP: 0.30,
    Route.SOCIAL_CARE_ASSESSMENT: 0.55,
    Route.STRATEGY_DISCUSSION: 0.85,
    Route.ALREADY_OPEN: 0.25,
}
# A decision later changed to this route by new information, from the route first given.
CHANGED_FROM = {
    Route.EARLY_HELP: Route.INFORMATION_AND_ADVICE,
    Route.SOCIAL_CARE_ASSESSMENT: Route.EARLY_HELP,
}
COMPLEX_SHARE = {  # flagged for the complex-case meeting; 2 % of other routes
    Route.STRATEGY_DISCUSSION: 0.4,
    Route.SOCIAL_CARE_ASSESSMENT: 0.1,
    Route.ALREADY_OPEN: 0.1,
}
RECEIPT_DELAY = {  # seconds from sending to the provider's delivery receipt
    Notice.Channel.EMAIL: (5, 60),
    Notice.Channel.SMS: (10, 300),
    Notice.Channel.LETTER: (DAY, 3 * DAY),
}
WITHHOLD_SHARE = {Route.STRATEGY_DISCUSSION: 0.08, Route.SOCIAL_CARE_ASSESSMENT: 0.03}
URGENCY_WEIGHTS = {  # immediate, soon, routine
    Route.INFORMATION_AND_ADVICE: (3, 30, 67),
    Route.EARLY_HELP: (4, 40, 56),
    Route.SOCIAL_CARE_ASSESSMENT: (12, 55, 33),
    Route.STRATEGY_DISCUSSION: (55, 40, 5),
    Route.ALREADY_OPEN: (10, 50, 40),
}
SCALING = {  # the screener's 0-10 scaling score, by route
    Route.INFORMATION_AND_ADVICE: (6, 9),
    Route.EARLY_HELP: (4, 7),
    Route.SOCIAL_CARE_ASSESSMENT: (2, 5),
    Route.STRATEGY_DISCUSSION: (0, 3),
    Route.ALREADY_OPEN: (3, 6),
}
C = ConcernCategory
CATEGORY_WEIGHTS = {
    Route.INFORMATION_AND_ADVICE: {C.NEGLECT: 20, C.PARENTAL_MENTAL_HEALTH: 15, C.DOMESTIC_ABUSE: 15, C.EMOTIONAL_ABUSE: 10, C.SUBSTANCE_MISUSE: 8, C.OTHER: 20, C.PHYSICAL_ABUSE: 5, C.MISSING_FROM_HOME: 4, C.CHILD_EXPLOITATION: 2, C.SEXUAL_ABUSE: 1},
    Route.EARLY_HELP: {C.NEGLECT: 25, C.PARENTAL_MENTAL_HEALTH: 15, C.DOMESTIC_ABUSE: 18, C.EMOTIONAL_ABUSE: 12, C.SUBSTANCE_MISUSE: 10, C.OTHER: 10, C.PHYSICAL_ABUSE: 4, C.MISSING_FROM_HOME: 4, C.CHILD_EXPLOITATION: 2},
    Route.SOCIAL_CARE_ASSESSMENT: {C.NEGLECT: 28, C.DOMESTIC_ABUSE: 22, C.EMOTIONAL_ABUSE: 12, C.SUBSTANCE_MISUSE: 10, C.PARENTAL_MENTAL_HEALTH: 10, C.PHYSICAL_ABUSE: 8, C.MISSING_FROM_HOME: 4, C.CHILD_EXPLOITATION: 4, C.SEXUAL_ABUSE: 2},
    Route.STRATEGY_DISCUSSION: {C.PHYSICAL_ABUSE: 35, C.SEXUAL_ABUSE: 20, C.DOMESTIC_ABUSE: 15, C.CHILD_EXPLOITATION: 12, C.NEGLECT: 10, C.MISSING_FROM_HOME: 8},
    Route.ALREADY_OPEN: {C.NEGLECT: 25, C.DOMESTIC_ABUSE: 25, C.EMOTIONAL_ABUSE: 15, C.SUBSTANCE_MISUSE: 10, C.PHYSICAL_ABUSE: 10, C.MISSING_FROM_HOME: 10, C.OTHER: 5},
}  # fmt: skip
ASSESSMENT_OUTCOMES = [
    (DownstreamOutcome.AssessmentOutcome.NO_FURTHER_ACTION, 50),
    (DownstreamOutcome.AssessmentOutcome.CHILD_IN_NEED, 33),
    (DownstreamOutcome.AssessmentOutcome.CHILD_PROTECTION, 12),
    (DownstreamOutcome.AssessmentOutcome.LOOKED_AFTER, 5),
]
S47_SHARE = 0.85  # of strategy discussions
ICPC_SHARE_OF_S47 = 0.365  # 0.85 x 0.365: 31 % of strategy discussions reach an ICPC
CP_PLAN_SHARE = 0.8  # of conferences
STREET_KINDS = ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Grove", "Way", "Crescent", "Gardens", "Terrace", "Walk"]  # fmt: skip
TOWNS = ["York", "Harrogate", "Scarborough", "Whitby", "Selby", "Skipton", "Ripon", "Northallerton", "Thirsk", "Malton", "Richmond", "Pickering", "Knaresborough", "Tadcaster", "Filey", "Bedale", "Settle", "Easingwold", "Stokesley", "Catterick"]  # fmt: skip
POSTCODE_AREAS = ["YO", "HG", "DL", "TS", "BD", "LS", "HU", "DN", "WF", "LA"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
MONTH_FACTOR = (1.0, 1.0, 1.05, 0.95, 1.0, 1.05, 1.0, 0.8, 1.0, 1.1, 1.1, 0.9)
# Who refers (CIN census sources in England, roughly): agencies of these types in
# the Agency table, or members of the public through the contact centre.
SOURCE_GROUPS = [
    (29, (Agency.Type.POLICE,)),
    (20, (Agency.Type.EDUCATION,)),
    (15, (Agency.Type.HEALTH, Agency.Type.MENTAL_HEALTH)),
    (9, (Agency.Type.CHILDRENS_SOCIAL_CARE, Agency.Type.EARLY_HELP, Agency.Type.ADULT_SOCIAL_CARE)),
    (3, (Agency.Type.HOUSING,)),
    (3, (Agency.Type.PROBATION,)),
    (4, (Agency.Type.VOLUNTARY, Agency.Type.OTHER)),
]
PUBLIC_SHARE = 12
PUBLIC_SOURCES = [("1A", 45), ("1B", 25), ("1C", 5), ("1D", 10), ("9", 15)]
PUBLIC_ROLES = {"1A": ["Grandparent", "Aunt", "Father", "Older sister"], "1B": ["Neighbour", "Family friend", "Childminder"], "1C": ["Self"], "1D": ["Member of Parliament's caseworker", "Member of the public"]}  # fmt: skip
ROLE_BY_AGENCY_TYPE = {
    Agency.Type.POLICE: ["Officer in case", "Attending officer", "Police safeguarding officer"],
    Agency.Type.EDUCATION: ["Designated safeguarding lead", "Head teacher", "Class teacher"],
    Agency.Type.HEALTH: ["Health visitor", "GP", "School nurse", "Midwife", "A&E nurse"],
    Agency.Type.MENTAL_HEALTH: ["Community psychiatric nurse", "CAMHS practitioner"],
    Agency.Type.PROBATION: ["Probation officer"],
    Agency.Type.HOUSING: ["Housing officer", "Tenancy support worker"],
    Agency.Type.EARLY_HELP: ["Family support worker", "Prevention worker"],
    Agency.Type.CHILDRENS_SOCIAL_CARE: ["Social worker", "Out-of-hours social worker"],
    Agency.Type.ADULT_SOCIAL_CARE: ["Adult social worker"],
    Agency.Type.VOLUNTARY: ["Project worker", "Youth worker"],
}
NOT_TOLD_REASONS = [
    "Telling the family could put the child at greater risk.",
    "The parent was not contactable before the referral was made.",
    "The police asked that the family is not told while they investigate.",
]
ADVICE_ONLY = [
    "Talk to the family about an early help assessment and call back if worried.",
    "Advised the caller to share the worry with the school nurse and the GP.",
    "Signposted to the parenting programme; call again if anything changes.",
]
ADVICE_FOR_SCREENING = (
    "Agreed this needs screening today; the caller will send the details in writing."
)
MORE_RATIONALES = {
    Route.INFORMATION_AND_ADVICE: "No indication of harm; the referrer was advised on universal support and how to come back if the picture changes.",
    Route.EARLY_HELP: "The family's needs would be met by targeted support; the parents agree to work with the prevention service.",
    Route.SOCIAL_CARE_ASSESSMENT: "Repeated concerns and a parent struggling to keep the children safe: an assessment of need under section 17 is required.",
    Route.STRATEGY_DISCUSSION: "A child has disclosed harm by a household member; police and social care need to plan an enquiry under section 47 today.",
    Route.ALREADY_OPEN: "The children are open to a social worker; the new information has been shared with the allocated worker and team manager.",
}  # fmt: skip
SIGNS = {  # Signs of Safety wording by how worried the screener is
    "high": (
        "A child was hurt at home and the adults give explanations that do not fit.",
        "Social care and police are worried the children will be hurt again if the adult who harmed them stays in the home.",
        "Police history of domestic abuse at the address; the mother minimises the incidents.",
        "The children have a grandmother they trust who lives nearby.",
        "The mother has asked for help once before and accepted it.",
        "The children are safe from the adult who hurt them and everyone knows the plan.",
        "Strategy discussion with police and health today.",
    ),
    "middle": (
        "Repeated missed health appointments and the home is often without food.",
        "Professionals are worried the children's needs will go unmet and their development suffer if nothing changes.",
        "The parent's low mood and a recent eviction notice.",
        "The children attend school every day and are warm towards their parent.",
        "The parent engaged with the health visitor last year.",
        "The children have enough food, go to every appointment and the parent has support.",
        "Early help or assessment, as decided; share the plan with the family.",
    ),
    "low": (
        "No harm known; a single worry raised by school.",
        "The school is worried the child may fall behind if the family's difficulties continue.",
        "",
        "A loving family with grandparents involved and a stable home.",
        "The parents sought help themselves and follow advice.",
        "The family knows where to get help and the school keeps watching.",
        "Advice to the referrer; no further action by the front door.",
    ),
}
BAND = {
    Route.INFORMATION_AND_ADVICE: "low",
    Route.EARLY_HELP: "middle",
    Route.SOCIAL_CARE_ASSESSMENT: "middle",
    Route.STRATEGY_DISCUSSION: "high",
    Route.ALREADY_OPEN: "middle",
}
COMPLEX_REASONS = [
    "Several agencies hold worrying information about the household.",
    "Going missing and signs of exploitation: needs the partners together.",
    "Third contact this year; the picture only makes sense with every agency's view.",
]
CHECK_QUESTIONS = [
    "Any incidents or intelligence about the adults at this address?",
    "Are the children registered and seen recently? Any missed appointments?",
    "Attendance and any safeguarding records held by the school?",
    "Is either parent known to your service, and is there a current worker?",
]
CHECK_ANSWERS = [
    "Two domestic incidents at the address in the last six months; no arrests.",
    "Nothing known to us about this family.",
    "Registered; last seen three months ago; two appointments missed since.",
    "Attendance 82 % this term; one earlier safeguarding record about lateness.",
    "Known to the service; an allocated worker sees the father monthly.",
]
RETURN_COMMENT = "Please add the police check to the rationale before I approve this."
WITHHOLD_REASON = "Telling the family now could prejudice the police investigation."
NO_FAMILY_ADDRESS = "No postal address for a parent or carer on the contact"
NICKNAMES = {
    "Elizabeth": "Beth", "William": "Will", "Thomas": "Tom", "James": "Jim", "Robert": "Bob",
    "Rebecca": "Becky", "Samantha": "Sam", "Alexander": "Alex", "Jessica": "Jess",
    "Charlotte": "Lottie", "Daniel": "Dan", "Matthew": "Matt", "Katherine": "Kate",
    "Margaret": "Maggie", "Michael": "Mike", "Christopher": "Chris", "Joseph": "Joe",
    "Benjamin": "Ben", "Jonathan": "Jon", "Nicholas": "Nick", "Anthony": "Tony",
    "Victoria": "Vicky", "Jennifer": "Jenny", "Abigail": "Abby", "Oliver": "Ollie",
    "Henry": "Harry", "Joshua": "Josh", "Samuel": "Sam", "Natalie": "Nat", "Stephanie": "Steph",
    "Jacqueline": "Jackie", "Catherine": "Cath", "Andrew": "Andy", "Richard": "Rich",
    "Kimberley": "Kim", "Leanne": "Lea", "Gemma": "Gem", "Lucy": "Lu", "Emily": "Em",
}  # fmt: skip

# The columns each table is loaded with, in COPY order.
COLUMNS = {
    "referrals_person": "id, first_name, last_name, aliases, date_of_birth, expected_date_of_birth, sex, nhs_number, unique_pupil_number, address, postcode, created_at, updated_at",
    "referrals_contact": "id, reference, received_at, decision_due_at, channel, status, source_agency_id, referral_source_id, referrer_id, referrer_anonymous, referrer_name, referrer_role, referrer_organisation, referrer_phone, referrer_email, concerns, concern_categories, urgency, family_awareness, family_not_told_reason, advice_given, advice_only, recorded_by_id, api_client_id, idempotency_key, erased_at, created_at, updated_at",
    "referrals_contactsubject": "id, role, relationship_to_children, first_name, last_name, other_names, date_of_birth, expected_date_of_birth, sex, nhs_number, unique_pupil_number, address, postcode, match_status, position, contact_id, person_id",
    "referrals_matchcandidate": "id, score, reasons, decision, decided_at, decided_by_id, subject_id, person_id",
    "screening_screening": "id, claimed_at, past_harm, danger_statement, complicating_factors, strengths, existing_safety, safety_goals, next_steps, scaling, checks_waived_reason, updated_at, assigned_to_id, contact_id, updated_by_id, complex_flag, complex_reason",
    "screening_agencycheck": "id, question, requested_at, status, response, answered_at, agency_id, answered_by_id, contact_id, requested_by_id",
    "screening_decision": "id, route, rationale, is_complex, complex_reason, family_notice, withhold_reason, decided_at, approval, approval_at, approval_comment, approved_by_id, contact_id, decided_by_id, supersedes_id, threshold_level_id",
    "outcomes_notice": "id, kind, audience, channel, recipient, reference, status, attempts, failure_reason, provider_id, created_at, sending_started_at, next_attempt_at, sent_at, updated_at, contact_id, decision_id, requested_by_id, resend_of_id",
    "outcomes_downstreamoutcome": "id, event, occurred_on, assessment_outcome, source, external_id, recorded_at, contact_id, recorded_by_id, subject_id",
}  # fmt: skip
TABLES = tuple(COLUMNS)

Status = Contact.Status
Channel = Contact.Channel
SubjectRole = ContactSubject.Role
FAMILY_ROLES = (SubjectRole.PARENT, SubjectRole.CARER)  # whom outcomes.services writes to
Match = ContactSubject.MatchStatus
Event = DownstreamOutcome.Event


def _cumulative(weights: list[tuple[object, float]]) -> tuple[list, list[float]]:
    values = [value for value, _ in weights]
    return values, list(accumulate(weight for _, weight in weights))


def _pick(rng: random.Random, table: tuple[list, list[float]]):
    values, cumulative = table
    return values[bisect_right(cumulative, rng.random() * cumulative[-1])]


# --- Reference data -----------------------------------------------------------------


@dataclass(frozen=True)
class _Agency:
    id: int
    name: str
    type: str
    source_id: int
    domain: str


@dataclass
class _World:
    """Everything the generator needs from the database, read before the load."""

    sources: dict[str, int]
    agencies: list[_Agency]
    levels: dict[str, int]  # route -> threshold level id
    screeners: list[int]
    managers: list[int]
    referrers: list[tuple[int, str, int | None]]  # (user id, email, agency id)
    api_clients: dict[int, int]  # referrer account -> its partner-system client
    check_agencies: list[tuple[int, list[int]]]  # (agency id, ids of members who answer)
    outcome_recorder: int
    outcome_source: str
    source_groups: list[tuple[float, list[_Agency]]] = field(default_factory=list)
    accounts: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # by agency


def _holders(*, role: Role | None = None, permission: Permission | None = None) -> list[int]:
    users = User.objects.filter(is_active=True)
    if role is not None:
        users = users.filter(groups__name=role.value)
    if permission is not None:
        users = users.filter(
            Q(groups__permissions__codename=permission.value)
            | Q(user_permissions__codename=permission.value)
        )
    return sorted(set(users.values_list("pk", flat=True)))


def _world_load() -> _World:
    sources = dict(ReferralSource.objects.values_list("code", "pk"))
    agencies = [
        _Agency(a.pk, a.name, a.type, a.referral_source_id, (a.email_domains or ["example.org"])[0])
        for a in Agency.objects.filter(is_active=True).order_by("pk")
    ]
    levels_by_number = dict(
        ThresholdLevel.objects.filter(is_active=True).values_list("number", "pk")
    ) or dict(ThresholdLevel.objects.values_list("number", "pk"))
    levels = {}
    for route, number in LEVEL_FOR_ROUTE.items():
        nearest = min(levels_by_number, key=lambda n, wanted=number: (abs(n - wanted), n))
        levels[route] = levels_by_number[nearest]
    screeners = _holders(role=Role.SCREENER) or _holders(permission=Permission.SCREEN_CONTACTS)
    managers = _holders(role=Role.MANAGER) or _holders(permission=Permission.APPROVE_DECISIONS)
    referrer_ids = _holders(role=Role.REFERRER)
    referrers = list(
        User.objects.filter(pk__in=referrer_ids)
        .order_by("pk")
        .values_list("pk", "email", "agency_id")
    )
    api_clients: dict[int, int] = {}
    for client_id, account_id in ApiClient.objects.filter(
        is_active=True, account_id__in=referrer_ids
    ).values_list("pk", "account_id"):
        api_clients.setdefault(account_id, client_id)
    answerers = set(_holders(permission=Permission.ANSWER_AGENCY_CHECKS))
    members: dict[int, list[int]] = {}
    for user_id, agency_id in User.objects.filter(pk__in=answerers).values_list("pk", "agency_id"):
        members.setdefault(agency_id, []).append(user_id)
    check_types = {str(t) for t in CHECK_AGENCY_TYPES}
    checkable = [a for a in agencies if a.type in check_types]
    # Checks go to agencies whose MAST member can answer them, as in life; with no
    # such member anywhere they still go out, answered without a named person.
    answered = [(a.id, members[a.id]) for a in checkable if members.get(a.id)]
    case_systems = _holders(role=Role.CASE_SYSTEM)
    world = _World(
        sources=sources,
        agencies=agencies,
        levels=levels,
        screeners=screeners,
        managers=managers,
        referrers=referrers,
        api_clients=api_clients,
        check_agencies=answered or [(a.id, []) for a in checkable],
        outcome_recorder=case_systems[0] if case_systems else managers[0],
        outcome_source=(
            DownstreamOutcome.Source.API if case_systems else DownstreamOutcome.Source.FORM
        ),
    )
    for weight, types in SOURCE_GROUPS:
        members = [a for a in agencies if a.type in types]
        if members:  # a council without, say, a probation agency on record refers none
            world.source_groups.append((weight, members))
    for account, email, agency in referrers:
        if agency is not None:
            world.accounts.setdefault(agency, []).append((account, email))
    return world


# --- Working days as integer arithmetic --------------------------------------------


class _Calendar:
    """London days from ``first`` as epoch seconds, with frontdoor.working_days' rules.

    The hot loop times hundreds of thousands of contacts: integer arithmetic on
    precomputed midnights is ~20 times faster than the library's datetimes. The
    results are the same (tests/test_synthetic.py compares them); the rare
    received times on a clock-change day defer to the library.
    """

    def __init__(self, first: date, last: date) -> None:
        self.first = first
        days = (last - first).days + 1
        self.midnights = [
            int(datetime.combine(first + timedelta(i), time(0), tzinfo=LONDON).timestamp())
            for i in range(days + 1)
        ]
        self.working = [is_working_day(first + timedelta(i)) for i in range(days)]
        self.next_working: list[int | None] = [None] * days
        following = None
        for i in range(days - 1, -1, -1):
            self.next_working[i] = following
            if self.working[i]:
                following = i
        self.date_text = [(first + timedelta(i)).isoformat() for i in range(days)]
        self._utc_days: dict[int, str] = {}
        self._epoch = date(1970, 1, 1).toordinal()
        # Every second of a day, formatted once: timestamps are most of the COPY text.
        self._clock = [
            f"{second // HOUR:02d}:{second % HOUR // 60:02d}:{second % 60:02d}+00"
            for second in range(DAY)
        ]

    def day_of(self, moment: int) -> int:
        return bisect_right(self.midnights, moment) - 1

    def _plain(self, day: int) -> bool:
        return self.midnights[day + 1] - self.midnights[day] == DAY

    def due(self, received: int) -> int:
        """frontdoor.working_days.decision_due, in epoch seconds."""
        day = self.day_of(received)
        if self.working[day]:
            following = self.next_working[day]
            if following is not None and self._plain(day) and self._plain(following):
                return self.midnights[following] + received - self.midnights[day]
            return int(decision_due(datetime.fromtimestamp(received, UTC)).timestamp())
        while not self.working[day]:
            day += 1
        return self.midnights[self.next_working[day]]

    def add_working(self, start: int, seconds: int) -> int:
        """frontdoor.working_days.add_working_time, in epoch seconds."""
        day = self.day_of(start)
        while True:
            if self.working[day]:
                available = self.midnights[day + 1] - start
                if seconds <= available:
                    return start + seconds
                seconds -= available
            day += 1
            start = self.midnights[day]

    def add_working_days(self, day: int, count: int) -> int:
        for _ in range(count):
            day = self.next_working[day]
        return day

    def timestamp(self, moment: int) -> str:
        """COPY text for a moment, in UTC."""
        days, seconds = divmod(moment, DAY)
        text = self._utc_days.get(days)
        if text is None:
            text = self._utc_days[days] = date.fromordinal(self._epoch + days).isoformat() + " "
        return text + self._clock[seconds]


# --- People ------------------------------------------------------------------------


class _Member:
    """One person in a family as first recorded; ``pid`` is their person record."""

    __slots__ = (
        "address",
        "aliases",
        "born",
        "expected",
        "first",
        "last",
        "later_first",
        "nhs",
        "pid",
        "postcode",
        "relationship",
        "role",
        "sex",
        "updated",
        "written",
    )

    def __init__(self, role: str, first: str, last: str, sex: str, **extra) -> None:
        self.role, self.first, self.last, self.sex = role, first, last, sex
        self.born: int | None = extra.get("born")  # date ordinals
        self.expected: int | None = extra.get("expected")
        self.later_first: str = extra.get("later_first", "")  # an unborn child's name
        self.nhs: str = extra.get("nhs", "")
        self.relationship: str = extra.get("relationship", "")
        self.address: str = extra.get("address", "")
        self.postcode: str = extra.get("postcode", "")
        self.aliases: list[str] | None = None  # names a screener confirmed (few have any)
        self.updated = 0  # when a screener last added an alias
        self.pid = 0  # 0 until the person first appears on a contact
        self.written = False  # their person row has gone to PostgreSQL


class _Family:
    __slots__ = ("adults", "children", "key", "last_seen", "surname")

    def __init__(self, key: int, surname: str, children: list, adults: list) -> None:
        self.key, self.surname, self.children, self.adults = key, surname, children, adults
        self.last_seen = 0


@dataclass
class _Referrer:
    """Who raised the contact, as COPY values, and where their notices go."""

    source: str
    recorded_by: str
    agency: str = NULL
    account: str = NULL
    api_client: str = NULL
    anonymous: bool = False
    name: str = ""
    role: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""
    address: tuple[str, str] | None = None


@dataclass
class _Plan:
    """The moments of one contact's life at the front door, in epoch seconds."""

    received: int
    created: int
    claimed: int = 0
    checks: list[tuple[int, int]] = field(default_factory=list)  # (asked, answered or 0)
    decided: int = 0
    returned: int = 0  # a manager returned the first decision
    redecided: int = 0  # the decision that superseded the first
    approved: int = 0  # of the standing decision, when it needed approval
    changed_route: str = ""  # the first, lower route a later decision superseded
    needs_approval: bool = False
    withhold: bool = False

    def moments(self) -> list[int]:
        checks = [moment for pair in self.checks for moment in pair]
        return [self.claimed, *checks, self.decided, self.returned, self.redecided, self.approved]

    def fit_before(self, end: int) -> None:
        """Squeeze a timeline that would run past ``end`` into the time there was."""
        latest = max(self.moments())
        if latest <= end:
            return
        scale = max(end - self.received, 0) / (latest - self.received)

        def squeeze(moment: int) -> int:
            return self.received + int((moment - self.received) * scale) if moment else 0

        self.claimed, self.decided = squeeze(self.claimed), squeeze(self.decided)
        self.returned, self.redecided = squeeze(self.returned), squeeze(self.redecided)
        self.approved = squeeze(self.approved)
        self.checks = [(squeeze(asked), squeeze(answered)) for asked, answered in self.checks]

    @property
    def last(self) -> int:
        return max(self.created, *self.moments())


@dataclass
class _Chunk:
    rows: dict[str, list[str]]
    contacts: int
    late_aliases: list[tuple[int, str, int]] = field(default_factory=list)


class _Generator:
    """Turns received times into COPY rows. Pure Python, touching no database, so
    it runs in its own thread while the main thread feeds PostgreSQL."""

    def __init__(
        self,
        *,
        world: _World,
        calendar: _Calendar,
        rng: random.Random,
        next_ids: dict[str, int],
        references: dict[int, int],
        existing_nhs: set[str],
        nhs_start: int,
        window: tuple[int, int],
        recent_from: int,
    ) -> None:
        self.world, self.cal, self.rng = world, calendar, rng
        self.next_ids = dict(next_ids)
        self.references = dict(references)  # year -> next number to issue
        self.existing_nhs, self.nhs_counter = existing_nhs, nhs_start
        self.start, self.end = window
        self.recent_from = recent_from
        self.end_day = calendar.day_of(self.end)
        self.routes = _cumulative(ROUTE_WEIGHTS)
        self.children_count = _cumulative(CHILDREN_WEIGHTS)
        self.source_groups = _cumulative(
            [(members, weight) for weight, members in world.source_groups] + [(None, PUBLIC_SHARE)]
        )
        self.public_sources = _cumulative(PUBLIC_SOURCES)
        self.assessment_outcomes = _cumulative(ASSESSMENT_OUTCOMES)
        self.urgencies = {
            route: _cumulative(list(zip(list(Contact.Urgency), weights, strict=True)))
            for route, weights in URGENCY_WEIGHTS.items()
        }
        self.categories = {
            route: list(weights.items()) for route, weights in CATEGORY_WEIGHTS.items()
        }
        self.rationales = {route: [RATIONALES[route], MORE_RATIONALES[route]] for route in Route}
        self._name_pools()
        # When each family was on a contact, to pick known children from (times ascend).
        self.seen_at, self.seen_family = array("q"), array("q")
        self.referred_at, self.referred_family = array("q"), array("q")
        self.families: dict[int, _Family] = {}
        self.forgotten_up_to = 0
        self.new_people: list[tuple[_Member, int]] = []
        self.late_aliases: list[tuple[int, str, int]] = []
        self.rows: dict[str, list[str]] = {}
        bits = rng.getrandbits(64)
        # Notice references: a random version-4-shaped prefix per run and the notice
        # id, so they are unique without remembering them.
        self.uuid_prefix = (
            f"{bits >> 32:08x}-{bits >> 16 & 0xFFFF:04x}-4{bits >> 4 & 0xFFF:03x}-"
            f"{0x8000 | bits & 0x3FFF:04x}-"
        )

    def _name_pools(self) -> None:
        def clean(text: str) -> str:
            # COPY's text format would need a tab, newline or backslash escaped.
            return " ".join(text.replace("\\", " ").split())

        rng = self.rng
        self.female = [clean(name) for name in NameProvider.first_names_female]
        self.male = [clean(name) for name in NameProvider.first_names_male]
        names, weights = zip(*NameProvider.last_names.items(), strict=True)
        self.surnames = [clean(name) for name in rng.choices(names, weights=weights, k=5000)]
        self.streets = [
            f"{self._one(self.surnames)} {self._one(STREET_KINDS)}" for _ in range(3000)
        ]
        # Valid in form (GBPostcodeField accepts them) though not real addresses.
        self.postcodes = [
            f"{self._one(POSTCODE_AREAS)}{1 + int(rng.random() * 20)} "
            f"{int(rng.random() * 10)}{self._one(INWARD_LETTERS)}{self._one(INWARD_LETTERS)}"
            for _ in range(5000)
        ]

    # -- small helpers ---------------------------------------------------------------

    def _id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def _one(self, values):
        return values[int(self.rng.random() * len(values))]

    def _between(self, low: float, high: float) -> int:
        return int(low + (high - low) * self.rng.random())

    def _working(self, start: int, low_hours: float, high_hours: float) -> int:
        return self.cal.add_working(start, self._between(low_hours * HOUR, high_hours * HOUR))

    def _nhs_number(self) -> str:
        # A fixed bijection of a counter onto nine-digit bodies gives numbers
        # unique within the run without remembering them; ``existing_nhs`` covers
        # people already on record (earlier runs, the demo, real intake).
        while True:
            # England and Wales issue 400 000 000 to 799 999 999.
            body = 400_000_000 + (self.nhs_counter * 387_420_489 + 123_456_789) % 400_000_000
            self.nhs_counter += 1
            digits = f"{body:09d}"
            total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
            check = (11 - total % 11) % 11
            if check != 10 and (number := digits + str(check)) not in self.existing_nhs:
                return number

    @staticmethod
    def _date(ordinal: int | None) -> str:
        return NULL if ordinal is None else date.fromordinal(ordinal).isoformat()

    def _variant(self, first: str, last: str) -> tuple[str, str, bool]:
        """The name as another referrer might write it: a nickname, first and last
        swapped, a typing slip, or the date of birth left off (the True)."""
        roll = self.rng.random()
        if roll < 0.2 and first in NICKNAMES:
            return NICKNAMES[first], last, False
        if roll < 0.35:
            return last, first, False
        if roll < 0.55:
            return first, last, True
        name = last if roll < 0.85 else first
        if len(name) >= 4:
            i = 1 + int(self.rng.random() * (len(name) - 2))
            slip = self.rng.random()
            if slip < 0.5:
                name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swapped letters
            elif slip < 0.8:
                name = name[:i] + name[i + 1 :]  # a letter missed
            else:
                name = name[:i] + name[i] + name[i:]  # a letter doubled
        return (first, name, False) if roll < 0.85 else (name, last, False)

    # -- families --------------------------------------------------------------------

    def _new_family(self, today: int) -> _Family:
        rnd = self.rng.random
        surname = self._one(self.surnames)
        address = f"{self._between(1, 240)} {self._one(self.streets)}, {self._one(TOWNS)}"
        postcode = self._one(self.postcodes)
        children = [
            self._child(surname, address, postcode, today, unborn=n == 0 and rnd() < 0.03)
            for n in range(_pick(self.rng, self.children_count))
        ]
        mother_surname = surname if rnd() < 0.8 else self._one(self.surnames)
        adults = [
            _Member(
                SubjectRole.PARENT if rnd() < 0.93 else SubjectRole.CARER,
                self._one(self.female),
                mother_surname,
                "female",
                relationship="Mother",
                born=today - self._between(18 * 365, 50 * 365) if rnd() < 0.6 else None,
                # A few families have no address the front door knows of.
                address=address if rnd() < 0.995 else "",
                postcode=postcode,
            )
        ]
        roll = rnd()
        if roll < 0.45:
            if roll < 0.25:
                role, relationship = SubjectRole.PARENT, "Father"
            elif roll < 0.37:
                role, relationship = SubjectRole.HOUSEHOLD_MEMBER, "Mother's partner"
            else:
                role, relationship = SubjectRole.ALLEGED_PERPETRATOR, "Mother's partner"
            at_home = role != SubjectRole.ALLEGED_PERPETRATOR
            adults.append(
                _Member(
                    role,
                    self._one(self.male),
                    surname if rnd() < 0.6 else self._one(self.surnames),
                    "male",
                    relationship=relationship,
                    address=address if at_home else "",
                    postcode=postcode if at_home else "",
                )
            )
        if rnd() < 0.05:
            adults.append(
                _Member(
                    SubjectRole.CARER,
                    self._one(self.female),
                    mother_surname,
                    "female",
                    relationship="Grandmother",
                    address=address,
                    postcode=postcode,
                )
            )
        self.family_key = getattr(self, "family_key", 0) + 1
        family = _Family(self.family_key, surname, children, adults)
        self.families[family.key] = family
        return family

    def _child(self, surname: str, address: str, postcode: str, today: int, *, unborn: bool):
        if unborn:
            return _Member(
                SubjectRole.UNBORN_CHILD,
                "Unborn",
                surname,
                "unknown",
                expected=today + self._between(20, 200),
                later_first=self._one(self.female if self.rng.random() < 0.5 else self.male),
                address=address,
                postcode=postcode,
            )
        sex = "female" if self.rng.random() < 0.49 else "male"
        return _Member(
            SubjectRole.CHILD,
            self._one(self.female if sex == "female" else self.male),
            surname,
            sex,
            born=today - self._between(30, 17 * 365 + 300),
            nhs=self._nhs_number() if self.rng.random() < 0.85 else "",
            address=address,
            postcode=postcode,
        )

    def _known(self, times: array, families: array, since: int, until: int) -> _Family | None:
        low, high = bisect_left(times, since), bisect_left(times, until)
        if high <= low:
            return None
        return self.families[families[low + int(self.rng.random() * (high - low))]]

    def _family_for(self, received: int, referral: bool) -> tuple[_Family, bool]:
        roll = self.rng.random()
        family = None
        if referral and roll < RE_REFERRAL_SHARE:
            family = self._known(
                self.referred_at, self.referred_family, received - 360 * DAY, received
            )
        elif roll < (
            RE_REFERRAL_SHARE + REFERRAL_OTHER_REPEAT_SHARE
            if referral
            else NOT_REFERRAL_REPEAT_SHARE
        ):
            if self.rng.random() < REPEAT_WITHIN_YEAR_SHARE:
                since, until = received - 360 * DAY, received
            else:
                since, until = received - 2 * YEAR, received - 360 * DAY
            family = self._known(self.seen_at, self.seen_family, since, until)
        if family is not None:
            return family, True
        today = self.cal.first.toordinal() + self.cal.day_of(received)
        return self._new_family(today), False

    def _forget(self, before: int) -> None:
        # Each contact is looked at once, when it leaves every look-back window; a
        # family goes when its latest contact does.
        stop = bisect_left(self.seen_at, before)
        for index in range(self.forgotten_up_to, stop):
            family = self.families.get(self.seen_family[index])
            if family is not None and family.last_seen < before:
                del self.families[family.key]
        self.forgotten_up_to = max(self.forgotten_up_to, stop)

    # -- chunks ----------------------------------------------------------------------

    def chunk(self, days: list[tuple[int, int]]) -> _Chunk:
        """Every row for the contacts received on these (day, how many) pairs."""
        self.rows = {table: [] for table in TABLES}
        self._forget(self.cal.midnights[days[0][0]] - FORGET_FAMILY_AFTER)
        made = 0
        for day, count in days:
            for received in sorted(self._received_times(day, count)):
                self._contact(received)
                made += 1
        self._flush_people()
        rows, self.rows = self.rows, {}
        return _Chunk(rows=rows, contacts=made)

    def finish(self) -> _Chunk:
        """Aliases learnt for people whose rows were already written."""
        return _Chunk(rows={}, contacts=0, late_aliases=self.late_aliases)

    def _received_times(self, day: int, count: int) -> Iterator[int]:
        midnight, next_midnight = self.cal.midnights[day], self.cal.midnights[day + 1]
        low, high = max(midnight, self.start), min(next_midnight, self.end)
        rnd = self.rng.random
        for _ in range(count):
            for _attempt in range(20):
                # Office hours mostly; police notifications and calls at any hour.
                hours = self.rng.triangular(8, 18.5, 11) if rnd() < 0.88 else rnd() * 24
                moment = midnight + int(hours * HOUR)
                if low <= moment < high:
                    break
            else:
                moment = low + int(rnd() * (high - low))
            yield moment

    def _flush_people(self) -> None:
        ts, rows = self.cal.timestamp, self.rows["referrals_person"]
        for member, created in self.new_people:
            aliases = ",".join(f'"{alias}"' for alias in member.aliases or ())
            row = (
                str(member.pid),
                member.first,
                member.last,
                f"{{{aliases}}}",
                self._date(member.born),
                self._date(member.expected),
                member.sex,
                member.nhs,
                "",
                member.address,
                member.postcode,
                ts(created),
                ts(max(created, member.updated)),
            )
            rows.append("\t".join(row))
            member.written = True
        self.new_people = []

    # -- one contact -----------------------------------------------------------------

    def _contact(self, received: int) -> None:
        rng, rnd, cal = self.rng, self.rng.random, self.cal
        route = _pick(rng, self.routes)
        referral = route in REFERRAL_ROUTES
        family, known = self._family_for(received, referral)
        family.last_seen = received
        contact_id = self._id("referrals_contact")

        channel, referrer = self._referrer()
        advice_only = (
            channel == Channel.PHONE_CONSULTATION
            and route == Route.INFORMATION_AND_ADVICE
            and rnd() < 0.7
        )
        keyed_by_referrer = channel in (Channel.ONLINE_FORM, Channel.PARTNER_API)
        created = (
            received if keyed_by_referrer else min(received + self._between(60, 1200), self.end)
        )
        status = self._status(route, received, advice_only)
        plan = self._plan(route, status, received, created)
        screener = self._one(self.world.screeners)
        complex_ = rnd() < COMPLEX_SHARE.get(route, 0.02)

        children, family_address = self._subjects(contact_id, family, known, received, plan)
        self._screening(contact_id, route, status, screener, plan, complex_)
        self._checks(contact_id, screener, plan)
        standing = self._decisions(contact_id, route, status, screener, plan, complex_)

        # Notices as outcomes.services writes them: an acknowledgement on receipt,
        # then an outcome (or a correction) each time a different route stands.
        if referrer.address is not None and not advice_only:
            self._notice(
                contact_id, 0, Notice.Kind.ACKNOWLEDGEMENT, "referrer", referrer.address, created
            )
        previous = ""
        for decision_id, decision_route, stands_at, tell_family in standing:
            kind = Notice.Kind.CORRECTION if previous else Notice.Kind.OUTCOME
            if referrer.address is not None:
                self._notice(contact_id, decision_id, kind, "referrer", referrer.address, stands_at)
            if tell_family:
                letter = (Notice.Channel.LETTER, family_address)
                self._notice(contact_id, decision_id, kind, "family", letter, stands_at)
            previous = decision_route
        if standing and referral:
            self._downstream(contact_id, route, children, standing[-1][2])

        categories = self._concern_categories(route)
        child_name = children[0][1] if children else family.surname
        concerns = " ".join(
            self._one(NARRATIVES[category]).format(child=child_name, adult=family.adults[0].first)
            for category in categories
        )
        roll = rnd()
        if roll < 0.7:
            awareness, not_told = Contact.FamilyAwareness.AWARE_CONSENTED, ""
        else:
            awareness = (
                Contact.FamilyAwareness.AWARE_NOT_CONSENTED
                if roll < 0.85
                else Contact.FamilyAwareness.NOT_AWARE
            )
            not_told = self._one(NOT_TOLD_REASONS)
        advice = ""
        if channel == Channel.PHONE_CONSULTATION:
            advice = self._one(ADVICE_ONLY) if advice_only else ADVICE_FOR_SCREENING
        year = date.fromordinal(cal.first.toordinal() + cal.day_of(received)).year
        number = self.references[year]
        self.references[year] = number + 1
        ts = cal.timestamp
        row = (
            str(contact_id),
            f"FD-{year}-{number:06d}",
            ts(received),
            ts(cal.due(received)),
            channel,
            status,
            referrer.agency,
            referrer.source,
            referrer.account,
            "t" if referrer.anonymous else "f",
            referrer.name,
            referrer.role,
            referrer.organisation,
            referrer.phone,
            referrer.email,
            concerns,
            "{" + ",".join(categories) + "}",
            _pick(rng, self.urgencies[route]),
            awareness,
            not_told,
            advice,
            "t" if advice_only else "f",
            referrer.recorded_by or str(screener),
            referrer.api_client,
            "",
            NULL,
            ts(created),
            ts(plan.last),
        )
        self.rows["referrals_contact"].append("\t".join(row))
        self.seen_at.append(received)
        self.seen_family.append(family.key)
        if standing and referral:
            self.referred_at.append(received)
            self.referred_family.append(family.key)

    def _status(self, route: str, received: int, advice_only: bool) -> str:
        if advice_only:
            return Status.CLOSED  # the advice given on the call was the decision
        if received < self.recent_from:
            return Status.DECIDED
        # The last two working days: some untouched, some being screened, a few
        # waiting for a partner agency's answer or a manager's approval.
        roll = self.rng.random()
        if roll < 0.4:
            return Status.RECEIVED
        if roll < 0.7:
            return Status.IN_SCREENING
        if roll < 0.8 and self.world.check_agencies:
            return Status.AWAITING_CHECKS
        return Status.AWAITING_APPROVAL if route in ROUTES_NEEDING_APPROVAL else Status.IN_SCREENING

    def _decision_hours(self) -> float:
        # Working hours from receipt to decision: nine in ten inside the working day.
        roll = self.rng.random()
        if roll < 0.6:
            return 0.5 + 7.5 * self.rng.random()
        if roll < 0.85:
            return 8 + 14 * self.rng.random()
        if roll < 0.9:
            return 22 + 2 * self.rng.random()
        return 24 + 48 * self.rng.random()

    def _plan(self, route: str, status: str, received: int, created: int) -> _Plan:
        """When it was taken, checked, decided and approved, as far as ``status`` goes."""
        rnd = self.rng.random
        plan = _Plan(received=received, created=created)
        if status in (Status.RECEIVED, Status.CLOSED):
            return plan
        plan.claimed = self._working(received, 0.05, 3)
        asks = 0
        if status == Status.AWAITING_CHECKS or (
            status in (Status.DECIDED, Status.AWAITING_APPROVAL) and rnd() < CHECK_SHARE[route]
        ):
            asks = 1 if rnd() < 0.7 else 2 if rnd() < 0.85 else 3
        for _ in range(asks):
            asked = self._working(plan.claimed, 0.05, 0.7)
            answered = 0 if status == Status.AWAITING_CHECKS else self._working(asked, 0.5, 6)
            plan.checks.append((asked, answered))
        if status in (Status.DECIDED, Status.AWAITING_APPROVAL):
            ready = max([plan.claimed, *(answered for _, answered in plan.checks)])
            plan.decided = max(
                self.cal.add_working(received, int(self._decision_hours() * HOUR)),
                self._working(ready, 0.15, 1),
            )
            plan.withhold = rnd() < WITHHOLD_SHARE.get(route, 0)
            plan.needs_approval = route in ROUTES_NEEDING_APPROVAL or plan.withhold
        if status == Status.DECIDED:
            if plan.needs_approval and rnd() < RETURNED_DECISION_SHARE:
                plan.returned = self._working(plan.decided, 0.5, 3)
                plan.redecided = self._working(plan.returned, 0.5, 4)
                plan.approved = self._working(plan.redecided, 0.25, 3)
            elif route in CHANGED_FROM and rnd() < CHANGED_DECISION_SHARE:
                plan.changed_route = CHANGED_FROM[route]
                plan.redecided = self._working(plan.decided, 4, 80)
                if plan.needs_approval:
                    plan.approved = self._working(plan.redecided, 0.25, 3)
            elif plan.needs_approval:
                plan.approved = self._working(plan.decided, 0.25, 4)
        plan.fit_before(self.end - 60)
        return plan

    def _referrer(self) -> tuple[str, _Referrer]:
        """Who referred (an agency by the census mix, or the public) and so the channel."""
        rnd, world, sources = self.rng.random, self.world, self.world.sources
        unknown = str(sources.get("10", next(iter(sources.values()))))
        first, last = self._one(self.female if rnd() < 0.6 else self.male), self._one(self.surnames)
        agencies = _pick(self.rng, self.source_groups)
        if agencies is None:  # the public, through the council's contact centre
            code = _pick(self.rng, self.public_sources)
            if code == "9":
                anonymous = _Referrer(str(sources.get("9", unknown)), "", anonymous=True)
                return Channel.CONTACT_CENTRE, anonymous
            phone = f"07700 900{self._between(0, 1000):03d}" if rnd() < 0.8 else ""
            return Channel.CONTACT_CENTRE, _Referrer(
                source=str(sources.get(code, unknown)),
                recorded_by="",
                name=f"{first} {last}",
                role=self._one(PUBLIC_ROLES[code]),
                phone=phone,
                address=(Notice.Channel.SMS, phone) if phone else None,
            )
        agency = self._one(agencies)
        police = agency.type == Agency.Type.POLICE
        accounts = world.accounts.get(agency.id)
        roll = rnd()
        if accounts and roll < (0.1 if police else 0.6):
            # Professionals with an account use the online form or their own system.
            account, email = self._one(accounts)
            client = world.api_clients.get(account)
            channel = Channel.PARTNER_API if client and rnd() < 0.3 else Channel.ONLINE_FORM
            return channel, _Referrer(
                source=str(agency.source_id),
                recorded_by=str(account),
                agency=str(agency.id),
                account=str(account),
                api_client=str(client) if channel == Channel.PARTNER_API else NULL,
                address=(Notice.Channel.EMAIL, email),
            )
        roll = rnd()
        if police:
            channel = Channel.POLICE_NOTIFICATION if roll < 0.9 else Channel.PHONE_CONSULTATION
        else:
            channel = Channel.PHONE_CONSULTATION if roll < 0.6 else Channel.EMAIL
        referrer = _Referrer(
            source=str(agency.source_id),
            recorded_by="",
            agency=str(agency.id),
            name=f"PC {first} {last}" if police else f"{first} {last}",
            role=self._one(ROLE_BY_AGENCY_TYPE.get(agency.type, ["Caseworker"])),
            organisation=agency.name,
        )
        local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalnum() or ch == ".")
        if channel == Channel.PHONE_CONSULTATION:
            referrer.phone = f"01632 960{self._between(0, 1000):03d}"
            referrer.address = (Notice.Channel.SMS, referrer.phone)
        elif channel == Channel.EMAIL or rnd() < 0.6:
            referrer.email = f"{local}@{agency.domain}"
            referrer.address = (Notice.Channel.EMAIL, referrer.email)
        return channel, referrer

    def _concern_categories(self, route: str) -> list[str]:
        roll = self.rng.random()
        wanted = 1 if roll < 0.65 else 2 if roll < 0.95 else 3
        weights = self.categories[route]
        chosen: list[str] = []
        while len(chosen) < wanted:
            category = self.rng.choices(weights, weights=[w for _, w in weights])[0][0]
            if category not in chosen:
                chosen.append(category)
        return [str(category) for category in chosen]

    # -- the rows of one contact ----------------------------------------------------

    def _subjects(
        self, contact_id: int, family: _Family, known: bool, received: int, plan: _Plan
    ) -> tuple[list[tuple[int, str]], str]:
        """Subject rows (and new people); returns the children as (subject id, first
        name) and the family's postal address for letters, as COPY text."""
        rnd = self.rng.random
        today = self.cal.first.toordinal() + self.cal.day_of(received)
        # A screener settles likely matches when taking the contact; until then
        # a known child without an NHS number waits as a likely match.
        settled = bool(plan.claimed)
        if known and len(family.children) < 4 and rnd() < 0.08:  # a new baby or a half-sibling
            sibling = family.children[0]
            family.children.append(
                self._child(family.surname, sibling.address, sibling.postcode, today, unborn=False)
            )
        rows = self.rows["referrals_contactsubject"]
        children: list[tuple[int, str]] = []
        letter = ""
        for position, member in enumerate(family.children + family.adults):
            subject_id = self._id("referrals_contactsubject")
            role, first, last = member.role, member.first, member.last
            born, expected, nhs = member.born, member.expected, member.nhs
            if role == SubjectRole.UNBORN_CHILD and expected <= today:
                role, first, born, expected = SubjectRole.CHILD, member.later_first, expected, None
            is_child = role in (SubjectRole.CHILD, SubjectRole.UNBORN_CHILD)
            person = str(member.pid)
            if not member.pid:
                member.pid = self._id("referrals_person")
                person = str(member.pid)
                self.new_people.append((member, plan.created))
                match = Match.NEW_PERSON
            elif nhs and rnd() < 0.75:
                match = Match.NHS_NUMBER  # subject_match links by NHS number
                if rnd() < 0.1:
                    first, last, _ = self._variant(first, last)
            else:
                nhs = ""
                dropped = False
                if rnd() < (0.35 if is_child else 0.2):
                    first, last, dropped = self._variant(first, last)
                if dropped and role == SubjectRole.CHILD:
                    born = None
                if settled:
                    match = Match.CONFIRMED
                    alias = f"{first} {last}"
                    known_as = member.aliases or []
                    if alias != f"{member.first} {member.last}" and alias not in known_as:
                        member.aliases = [*known_as, alias]  # as match_confirm records it
                        member.updated = plan.claimed
                        if member.written:
                            self.late_aliases.append((member.pid, alias, plan.claimed))
                else:
                    match = Match.UNMATCHED
                    self._candidate(subject_id, member, first, last, born)
                    person = NULL
            row = (
                str(subject_id),
                role,
                member.relationship,
                first,
                last,
                "",
                self._date(born),
                self._date(expected),
                member.sex,
                nhs,
                "",
                member.address,
                member.postcode,
                match,
                str(position),
                str(contact_id),
                person,
            )
            rows.append("\t".join(row))
            if is_child:
                children.append((subject_id, first))
            elif not letter and role in FAMILY_ROLES and member.address and member.postcode:
                # As outcomes.services addresses the family letter; COPY escapes the breaks.
                letter = f"{first} {last}\\n{member.address}\\n{member.postcode}"
        return children, letter

    def _candidate(self, subject_id: int, member: _Member, first: str, last: str, born) -> None:
        if (first, last) == (member.last, member.first):
            reasons = ["First and last names swapped"]
        elif (first, last) == (member.first, member.last):
            reasons = ["Same name"]
        else:
            reasons = [f"Similar name ({self._between(55, 95)}% alike)"]
        if born is not None and born == member.born:
            reasons.append("Same date of birth")
        if member.postcode:
            reasons.append("Same postcode")
        score = 0.5 + 0.1 * len(reasons) + 0.15 * self.rng.random()
        values = ",".join(f'"{reason}"' for reason in reasons)
        row = (
            str(self._id("referrals_matchcandidate")),
            f"{score:.3f}",
            f"{{{values}}}",
            "pending",
            NULL,
            NULL,
            str(subject_id),
            str(member.pid),
        )
        self.rows["referrals_matchcandidate"].append("\t".join(row))

    def _screening(
        self, contact_id: int, route: str, status: str, screener: int, plan: _Plan, complex_: bool
    ) -> None:
        if not plan.claimed:
            return  # nobody has taken it yet
        rnd, ts = self.rng.random, self.cal.timestamp
        signs = SIGNS[BAND[route]]
        low, high = SCALING[route]
        scaling = str(low + int(rnd() * (high - low + 1)))
        flagged = complex_
        held = status != Status.DECIDED  # a standing decision releases the contact
        if status in (Status.IN_SCREENING, Status.AWAITING_CHECKS):
            # Part way through: the worry and the strengths, perhaps a score.
            signs = ("", signs[1], "", signs[3], "", "", "")
            scaling = scaling if rnd() < 0.5 else NULL
            updated = min(plan.claimed + self._between(60, 1800), self.end)
        else:
            updated = plan.decided
        row = (
            str(self._id("screening_screening")),
            ts(plan.claimed) if held else NULL,
            *signs,
            scaling,
            "",
            ts(updated),
            str(screener) if held else NULL,
            str(contact_id),
            str(screener),
            "t" if flagged else "f",
            self._one(COMPLEX_REASONS) if flagged else "",
        )
        self.rows["screening_screening"].append("\t".join(row))

    def _checks(self, contact_id: int, screener: int, plan: _Plan) -> None:
        if not plan.checks:
            return
        ts, rows = self.cal.timestamp, self.rows["screening_agencycheck"]
        agencies = self.rng.sample(
            self.world.check_agencies, min(len(plan.checks), len(self.world.check_agencies))
        )
        for (asked, answered), (agency, members) in zip(plan.checks, agencies, strict=False):
            row = (
                str(self._id("screening_agencycheck")),
                self._one(CHECK_QUESTIONS),
                ts(asked),
                "answered" if answered else "pending",
                self._one(CHECK_ANSWERS) if answered else "",
                ts(answered) if answered else NULL,
                str(agency),
                str(self._one(members)) if answered and members else NULL,
                str(contact_id),
                str(screener),
            )
            rows.append("\t".join(row))

    def _decisions(
        self, contact_id: int, route: str, status: str, screener: int, plan: _Plan, complex_: bool
    ) -> list[tuple[int, str, int, bool]]:
        """Decision rows; returns those that stood, in order, as (id, route, when it
        stood, whether the family is told)."""
        if not plan.decided:
            return []
        managers = [m for m in self.world.managers if m != screener] or self.world.managers
        manager = str(self._one(managers))  # never the screener who decided
        complex_reason = self._one(COMPLEX_REASONS) if complex_ else ""

        def row(decision_id, route_, decided, approval, approved, comment="", supersedes=0):
            withhold = plan.withhold and route_ == route
            values = (
                str(decision_id),
                route_,
                self._one(self.rationales[route_]),
                "t" if complex_ else "f",
                complex_reason,
                "withhold" if withhold else "notify",
                WITHHOLD_REASON if withhold else "",
                self.cal.timestamp(decided),
                approval,
                self.cal.timestamp(approved) if approved else NULL,
                comment,
                manager if approved else NULL,
                str(contact_id),
                str(screener),
                str(supersedes) if supersedes else NULL,
                str(self.world.levels[route_]),
            )
            self.rows["screening_decision"].append("\t".join(values))

        first = self._id("screening_decision")
        notify = not plan.withhold
        if status == Status.AWAITING_APPROVAL:
            row(first, route, plan.decided, "pending", 0)
            return []
        if plan.returned:
            second = self._id("screening_decision")
            row(first, route, plan.decided, "returned", plan.returned, RETURN_COMMENT)
            row(second, route, plan.redecided, "approved", plan.approved, supersedes=first)
            return [(second, route, plan.approved, notify)]
        if plan.changed_route:
            second = self._id("screening_decision")
            row(first, plan.changed_route, plan.decided, "not_needed", 0)
            approval = "approved" if plan.needs_approval else "not_needed"
            row(second, route, plan.redecided, approval, plan.approved, supersedes=first)
            return [
                (first, plan.changed_route, plan.decided, True),
                (second, route, plan.approved or plan.redecided, notify),
            ]
        if plan.needs_approval:
            row(first, route, plan.decided, "approved", plan.approved)
            return [(first, route, plan.approved, notify)]
        row(first, route, plan.decided, "not_needed", 0)
        return [(first, route, plan.decided, notify)]

    def _notice(
        self,
        contact_id: int,
        decision_id: int,
        kind: str,
        audience: str,
        address: tuple[str, str],
        created: int,
    ) -> None:
        notice_id = self._id("outcomes_notice")
        channel, recipient = address
        ts = self.cal.timestamp
        if not recipient:  # outcomes.services: a family letter with nowhere to go
            status, attempts, failure, provider = "permanent_failure", "0", NO_FAMILY_ADDRESS, ""
            started = sent = updated = NULL
            updated = ts(created)
        else:
            started_at = min(created + self._between(1, 30), self.end)
            sent_at = min(started_at + self._between(1, 5), self.end)
            receipt = RECEIPT_DELAY[channel]
            delivered_at = sent_at + self._between(*receipt)
            status = "delivered" if delivered_at <= self.end else "sent"
            attempts, failure, provider = "1", "", f"synthetic-{notice_id}"
            started, sent = ts(started_at), ts(sent_at)
            updated = ts(delivered_at if status == "delivered" else sent_at)
        row = (
            str(notice_id),
            kind,
            audience,
            channel,
            recipient,
            f"{self.uuid_prefix}{notice_id:012x}",
            status,
            attempts,
            failure,
            provider,
            ts(created),
            started,
            NULL,
            sent,
            updated,
            str(contact_id),
            str(decision_id) if decision_id else NULL,
            NULL,
            NULL,
        )
        self.rows["outcomes_notice"].append("\t".join(row))

    def _downstream(
        self, contact_id: int, route: str, children: list[tuple[int, str]], stood_at: int
    ) -> None:
        """What social care recorded after the referral, for each child on it."""
        rnd, cal = self.rng.random, self.cal
        day = cal.day_of(stood_at)
        events: list[tuple[str, int, str]] = []
        if route == Route.SOCIAL_CARE_ASSESSMENT and rnd() < 0.92:
            started = cal.add_working_days(day, self._between(0, 4))
            events.append((Event.ASSESSMENT_STARTED, started, ""))
            if rnd() < 0.95:
                took = int(self.rng.triangular(15, 65, 35))  # the limit is 45 working days
                outcome = _pick(self.rng, self.assessment_outcomes)
                events.append(
                    (Event.ASSESSMENT_COMPLETED, cal.add_working_days(started, took), outcome)
                )
        elif route == Route.STRATEGY_DISCUSSION:
            held = cal.add_working_days(day, self._between(0, 2))
            events.append((Event.STRATEGY_DISCUSSION, held, ""))
            if rnd() < S47_SHARE:
                events.append((Event.S47_ENQUIRY, held, ""))
                if rnd() < ICPC_SHARE_OF_S47:
                    # England: about 81 % of conferences within 15 working days.
                    took = self._between(8, 16) if rnd() < 0.81 else self._between(16, 26)
                    conference = cal.add_working_days(held, took)
                    events.append((Event.ICPC, conference, ""))
                    if rnd() < CP_PLAN_SHARE:
                        events.append((Event.CP_PLAN, conference, ""))
        rows = self.rows["outcomes_downstreamoutcome"]
        recorder, source = str(self.world.outcome_recorder), self.world.outcome_source
        for event, on, outcome in events:
            if on > self.end_day:
                continue  # not happened yet
            recorded = cal.midnights[on + self._between(0, 3)] + self._between(9 * HOUR, 18 * HOUR)
            recorded = min(max(recorded, stood_at + 60), self.end)
            for subject_id, _ in children:
                outcome_id = self._id("outcomes_downstreamoutcome")
                if outcome and rnd() < 0.15:  # siblings' assessments can end differently
                    outcome = _pick(self.rng, self.assessment_outcomes)
                row = (
                    str(outcome_id),
                    event,
                    cal.date_text[on],
                    outcome,
                    source,
                    f"SYN-{outcome_id}" if source == DownstreamOutcome.Source.API else "",
                    cal.timestamp(recorded),
                    str(contact_id),
                    recorder,
                    str(subject_id),
                )
                rows.append("\t".join(row))


# --- The load ------------------------------------------------------------------------


def _peak_rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _day_counts(
    rng: random.Random, calendar: _Calendar, start: int, end: int, contacts: int
) -> dict[int, int]:
    """How many contacts each London day receives: fewer at weekends, on bank
    holidays and in August, more in the autumn term; part days pro rata."""
    first, last = calendar.day_of(start), calendar.day_of(end - 1)
    days = list(range(first, last + 1))
    weights = []
    for day in days:
        midnight, next_midnight = calendar.midnights[day], calendar.midnights[day + 1]
        part = (min(next_midnight, end) - max(midnight, start)) / (next_midnight - midnight)
        month = (calendar.first + timedelta(day)).month
        weights.append(part * (1.0 if calendar.working[day] else 0.3) * MONTH_FACTOR[month - 1])
    cumulative = list(accumulate(weights))
    counts: dict[int, int] = {}
    left = contacts
    while left:
        batch = min(left, 100_000)
        for day in rng.choices(days, cum_weights=cumulative, k=batch):
            counts[day] = counts.get(day, 0) + 1
        left -= batch
    return counts


def _chunks(counts: dict[int, int]) -> list[list[tuple[int, int]]]:
    chunks: list[list[tuple[int, int]]] = [[]]
    size = 0
    for day in sorted(counts):
        if size >= CHUNK_CONTACTS:
            chunks.append([])
            size = 0
        chunks[-1].append((day, counts[day]))
        size += counts[day]
    return chunks


def _recent_from(calendar: _Calendar, end: int) -> int:
    """The same time of day, ``RECENT_WORKING_DAYS`` working days before ``end``."""
    today = calendar.day_of(end)
    day, found = today, 0
    while found < RECENT_WORKING_DAYS:
        day -= 1
        found += calendar.working[day]
    return calendar.midnights[day] + (end - calendar.midnights[today])


def _plain_indexes(cursor) -> list[tuple[str, str]]:
    """(name, definition) of the non-unique, non-primary indexes on the loaded tables."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
        ORDER BY t.relname, i.relname
        """,
        [list(TABLES)],
    )
    return cursor.fetchall()


def _copy(raw_connection, table: str, rows: list[str]) -> None:
    if not rows:
        return
    with (
        raw_connection.cursor() as cursor,
        cursor.copy(
            f"COPY {table} ({COLUMNS[table]}) FROM STDIN"  # table names are constants here
        ) as copy,
    ):
        for start in range(0, len(rows), 20_000):
            copy.write("\n".join(rows[start : start + 20_000]) + "\n")


def _produce(generator: _Generator, plan, out: queue.Queue, stop: threading.Event) -> None:
    try:
        for days in plan:
            if stop.is_set():
                return
            out.put(generator.chunk(days))
        out.put(generator.finish())
        out.put(None)
    except BaseException as error:  # handed to the main thread, which raises it
        out.put(error)


def _stream(
    generator: _Generator, plan, counts: dict[str, int], say: Progress, began: float
) -> list[tuple[int, str, int]]:
    """COPY each chunk while the generator thread makes the next; return the aliases
    learnt for people written in earlier chunks."""
    raw = connection.connection  # psycopg's own, in the same transaction
    out: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    producer = threading.Thread(
        target=_produce, args=(generator, plan, out, stop), name="synthetic", daemon=True
    )
    producer.start()
    loaded = 0
    late_aliases: list[tuple[int, str, int]] = []
    try:
        while True:
            chunk = out.get()
            if chunk is None:
                return late_aliases
            if isinstance(chunk, BaseException):
                raise chunk
            for table, rows in chunk.rows.items():
                _copy(raw, table, rows)
                counts[table] += len(rows)
            late_aliases.extend(chunk.late_aliases)
            loaded += chunk.contacts
            if chunk.contacts:
                elapsed = timer.monotonic() - began
                say(
                    f"  {loaded:,} contacts loaded ({loaded / elapsed:,.0f} a second, "
                    f"{elapsed:,.0f} s, peak memory {_peak_rss_mb():,} MB)"
                )
            del chunk  # let it go while the next one is made
    finally:
        stop.set()
        while producer.is_alive():  # unblock a producer waiting to hand over a chunk
            with suppress(queue.Empty):
                out.get(timeout=0.1)


def _ensure_staff(say: Progress) -> None:
    screeners = Group.objects.filter(name=Role.SCREENER.value, user__is_active=True).exists()
    managers = Group.objects.filter(name=Role.MANAGER.value, user__is_active=True).exists()
    if not (screeners and managers):
        from frontdoor.demo import demo_data_load

        say("No screener or manager accounts yet: loading the demo agencies and accounts.")
        demo_data_load()


def _bulk_session(cursor) -> None:
    """This transaction only: no triggers (see the module's docstring), generous
    memory for index builds, and the loaded tables to ourselves for writing."""
    cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    if not cursor.fetchone()[0]:
        raise PermissionError(
            "Loading synthetic data switches off triggers for its transaction, which "
            "needs a superuser or GRANT SET ON PARAMETER session_replication_role."
        )
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    cursor.execute("SET LOCAL synchronous_commit = off")
    # Readers carry on; writers wait until the load commits, so the ids read next
    # stay free.
    cursor.execute(f"LOCK TABLE {', '.join(TABLES)} IN EXCLUSIVE MODE")


def _next_ids(cursor) -> dict[str, int]:
    next_ids = {}
    for table in TABLES:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            f"SELECT greatest((SELECT max(id) FROM {table}), (SELECT last_value FROM {sequence}))"  # noqa: S608 - names from the catalogue
        )
        next_ids[table] = (cursor.fetchone()[0] or 0) + 1
    return next_ids


def _sequences_advance(cursor, first_ids: dict[str, int], next_ids: dict[str, int]) -> None:
    """Move each identity sequence past the ids assigned here."""
    for table in TABLES:
        if next_ids[table] > first_ids[table]:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, next_ids[table] - 1]
            )


def synthetic_generate(
    *,
    contacts: int,
    years: int = 5,
    seed: int = 1,
    end: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Append ``contacts`` synthetic contacts received over the ``years`` before
    ``end`` (default now), with everything the services would have written for them;
    return the rows added per table."""
    if contacts < 0 or years < 1:
        raise ValueError("contacts must be 0 or more and years at least 1")
    say = progress or (lambda message: None)
    began = timer.monotonic()
    end = end or timezone.now()
    if timezone.is_naive(end):
        end = timezone.make_aware(end)
    end_at = int(end.timestamp())
    start_at = end_at - round(years * 365.25) * DAY
    counts = dict.fromkeys(TABLES, 0)
    if not contacts:
        return counts
    _ensure_staff(say)
    world = _world_load()
    calendar = _Calendar(
        datetime.fromtimestamp(start_at, LONDON).date() - timedelta(days=3),
        datetime.fromtimestamp(end_at, LONDON).date() + timedelta(days=500),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        _bulk_session(cursor)
        first_ids = _next_ids(cursor)
        cursor.execute("SELECT count(*) FROM referrals_contact")
        (existing,) = cursor.fetchone()
        rng = random.Random(f"{seed}:{existing}")  # a second run adds different contacts
        cursor.execute("SELECT nhs_number FROM referrals_person WHERE nhs_number <> ''")
        existing_nhs = {number for (number,) in cursor.fetchall()}
        per_day = _day_counts(rng, calendar, start_at, end_at, contacts)
        references = _references_reserve(cursor, calendar, per_day)
        # Rebuilding an index costs its whole table: worth it when the load doubles it.
        dropped = _plain_indexes(cursor) if contacts >= existing else []
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        say(
            f"Generating {contacts:,} contacts over {years} year(s) to "
            f"{timezone.localtime(end):%Y-%m-%d %H:%M} ({existing:,} already on record"
            + (f"; {len(dropped)} indexes dropped until the load is in)." if dropped else ").")
        )
        generator = _Generator(
            world=world,
            calendar=calendar,
            rng=rng,
            next_ids=first_ids,
            references=references,
            existing_nhs=existing_nhs,
            nhs_start=len(existing_nhs),
            window=(start_at, end_at),
            recent_from=_recent_from(calendar, end_at),
        )
        late_aliases = _stream(generator, _chunks(per_day), counts, say, began)
        _aliases_add(cursor, connection.connection, late_aliases)
        started = timer.monotonic()
        for _, definition in dropped:
            cursor.execute(definition)
        if dropped:
            say(f"  rebuilt {len(dropped)} indexes ({timer.monotonic() - started:.1f} s)")
        _sequences_advance(cursor, first_ids, generator.next_ids)
        started = timer.monotonic()
        cursor.execute(f"ANALYZE {', '.join(TABLES)}")
        say(f"  analysed the tables ({timer.monotonic() - started:.1f} s)")
        # Back to normal for anything else this transaction does (a caller's test).
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute("SET LOCAL maintenance_work_mem = DEFAULT")
    say(
        f"Added {counts['referrals_contact']:,} contacts in {timer.monotonic() - began:,.0f} s"
        f" (peak memory {_peak_rss_mb():,} MB): "
        + ", ".join(f"{table} {count:,}" for table, count in counts.items())
    )
    return counts


def _references_reserve(cursor, calendar: _Calendar, per_day: dict[int, int]) -> dict[int, int]:
    """Take a block of reference numbers per year from the counter the services use;
    return the first number of each block."""
    per_year: dict[int, int] = {}
    for day, count in per_day.items():
        year = (calendar.first + timedelta(day)).year
        per_year[year] = per_year.get(year, 0) + count
    first_numbers = {}
    for year, count in sorted(per_year.items()):
        cursor.execute(
            """
            INSERT INTO referrals_referencecounter (year, last_number) VALUES (%s, %s)
            ON CONFLICT (year) DO UPDATE
              SET last_number = referrals_referencecounter.last_number + EXCLUDED.last_number
            RETURNING last_number
            """,
            [year, count],
        )
        first_numbers[year] = cursor.fetchone()[0] - count + 1
    return first_numbers


def _aliases_add(cursor, raw_connection, aliases: list[tuple[int, str, int]]) -> None:
    """Names a screener confirmed for people written in an earlier chunk."""
    if not aliases:
        return
    cursor.execute(
        "CREATE TEMPORARY TABLE synthetic_alias (person_id bigint, alias text, at bigint)"
    )
    with raw_connection.cursor() as raw, raw.copy("COPY synthetic_alias FROM STDIN") as copy:
        copy.write("".join(f"{person}\t{alias}\t{at}\n" for person, alias, at in aliases))
    cursor.execute(
        """
        UPDATE referrals_person p
        SET aliases = p.aliases || a.aliases, updated_at = to_timestamp(a.at)
        FROM (
            SELECT person_id, max(at) AS at,
                   array_agg(alias ORDER BY at)::varchar(200)[] AS aliases
            FROM synthetic_alias GROUP BY person_id
        ) a
        WHERE p.id = a.person_id
        """
    )
    cursor.execute("DROP TABLE synthetic_alias")
