"""Synthetic contacts for the demonstration: made-up families, every one created
through ``contact_submit`` so the demo obeys the same rules as real intake.

Families recur (about one contact in four is about a child already known) so the
history, repeat-contact and matching screens have something to show; some of those
recurrences spell a name differently, leaving likely matches for a screener.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from faker import Faker

from demo.common import (
    DISABILITIES,
    DISABLED_SHARE,
    ETHNICITIES,
    NO_DISABILITY,
    SCHOOL_AGE_DAYS,
    UPN_LA,
    upn_with_check_letter,
)
from demo.narratives import NARRATIVES, age_on, narratives_for
from frontdoor.london import london_date
from frontdoor.models import Agency, User
from frontdoor.nhs_numbers import nhs_number_from
from frontdoor.roles import Role
from frontdoor.working_days import working_time_before
from referrals.models import ConcernCategory, Contact, ContactSubject, Person
from referrals.services import ContactInput, ReferrerInput, SubjectInput, contact_submit
from referrals.validators import clean_postcode

DEMO_CONTACT_COUNT = 400
# Fifteen months: a quarter's scorecard shows the four quarters before it.
DEMO_DAYS = 460
DEMO_SCHOOLS = (2701, 40)  # the demo's schools for pupil numbers (synthetic data: 2001-2600)
UPN_SHARE = 0.9  # of school children: the school or the screener gives it
# North Yorkshire's postcode areas and the letters an inward code may use.
POSTCODE_AREAS = ["YO", "HG", "DL", "TS", "BD", "LS", "HU", "DN", "WF", "LA"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

CHANNEL_WEIGHTS = [
    (Contact.Channel.ONLINE_FORM, 35),
    (Contact.Channel.PHONE_CONSULTATION, 20),
    (Contact.Channel.POLICE_NOTIFICATION, 20),
    (Contact.Channel.EMAIL, 10),
    (Contact.Channel.CONTACT_CENTRE, 10),
    (Contact.Channel.PARTNER_API, 5),
]

DEMO_REFERRERS = [
    ("hv.lee@health.example", "Hannah Lee", "Health visitor", "Demonstration Community Health Trust"),
    ("dr.ahmed@castle-street-surgery.example", "Dr Omar Ahmed", "GP", "Castle Street Surgery"),
    ("pc.green@police.example", "PC Tom Green", "Officer in case", "Demonstration Police"),
]  # fmt: skip


def _nhs_number(rng: random.Random) -> str:
    while True:
        body = "".join(str(rng.randint(0, 9)) for _ in range(9))
        if number := nhs_number_from(body):
            return number


def _received_at(rng: random.Random, days_ago: int, now: datetime) -> datetime:
    day = timezone.localdate(now) - timedelta(days=days_ago)
    minutes = (
        int(rng.triangular(8 * 60, 19 * 60, 11 * 60))
        if rng.random() < 0.9
        else rng.randint(0, 1439)
    )
    local = datetime.combine(
        day, time(minutes // 60, minutes % 60), tzinfo=timezone.get_current_timezone()
    )
    return min(local, now)


@dataclass(frozen=True)
class RecentContact:
    """One contact of today's queue, placed so its clock shows ``hours_left`` working
    hours (negative: overdue) whatever the day, and taken as far as ``stage`` by
    demo.screening: "new" (untouched), "screening", "checks" (waiting for the
    police), "approval" (decided, waiting for a manager) or "returned" (a manager
    sent the decision back). ``complex`` ones come to the complex-case meeting."""

    stage: str
    hours_left: float
    complex: bool = False
    # Marked immediate risk by the referrer: due IMMEDIATE_RISK_WORKING_HOURS after
    # receipt rather than one working day (frontdoor.working_days.response_due).
    immediate: bool = False

    def received_at(self, now: datetime) -> datetime:
        clock = settings.IMMEDIATE_RISK_WORKING_HOURS if self.immediate else 24
        if self.hours_left >= clock:
            return now - timedelta(minutes=5)  # just arrived
        # Due one working day after receipt, so receipt is the working time already
        # used before ``now``: on a Saturday that falls on Friday (or earlier), and
        # the clock shows what is left of Monday, not a flat 24 hours.
        return working_time_before(now, timedelta(hours=clock - self.hours_left))


# Green (more than six working hours left), amber (six or fewer) and red (overdue),
# as screening.selectors.clock_for has them, at every stage of screening.
RECENT_PLAN = [
    RecentContact("new", 24),
    RecentContact("new", 20),
    RecentContact("new", 15),
    RecentContact("new", 9, complex=True),
    RecentContact("new", 5),
    RecentContact("new", 2),
    RecentContact("new", -3),
    RecentContact("new", -10, complex=True),
    RecentContact("screening", 18, complex=True),
    RecentContact("screening", 12),
    RecentContact("screening", 4, complex=True),
    RecentContact("screening", -6, complex=True),
    RecentContact("checks", 16),
    RecentContact("checks", 3),
    RecentContact("checks", -2),
    RecentContact("approval", 14),
    RecentContact("approval", 8),
    RecentContact("approval", 1),
    RecentContact("approval", -1),
    RecentContact("returned", 10),
    RecentContact("returned", -4),
    RecentContact("new", 1.5, immediate=True),
    RecentContact("screening", -1, immediate=True),
]


def recent_plan(now: datetime) -> dict[datetime, RecentContact]:
    """Today's queue as placed at ``now``, by receipt time."""
    return {planned.received_at(now): planned for planned in RECENT_PLAN}


@dataclass
class _Child:
    first: str
    born: date
    sex: str
    nhs: str
    upn: str
    disabilities: tuple[str, ...]  # CIN census codes; ("NONE",) for none


class _Tally:
    """What the demo's families share: unique pupil numbers for school children, valid
    by the DfE's rules (check letter, a real LA number) and none already on record,
    and how many disabled children there have been."""

    def __init__(self) -> None:
        self.taken = set(
            Person.objects.exclude(unique_pupil_number="").values_list(
                "unique_pupil_number", flat=True
            )
        )
        self.next: dict[int, int] = {}
        self.disabled = 0  # disabled children so far

    def pupil_number(self, born: date) -> str:
        year = (born.year + 5) % 100  # allocated on starting school
        first_school, schools = DEMO_SCHOOLS
        while True:
            index = self.next.get(year, 0)
            self.next[year] = index + 1
            digits = f"{UPN_LA}{first_school + index % schools:04d}{year:02d}{index // schools:03d}"
            upn = upn_with_check_letter(digits)
            if upn not in self.taken:
                self.taken.add(upn)
                return upn


def _pick(rng: random.Random, weights: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in weights], weights=[w for _, w in weights])[0]


def _disabilities(rng: random.Random, tally: _Tally) -> tuple[str, ...]:
    if rng.random() >= DISABLED_SHARE:
        return (NO_DISABILITY,)
    # Every other disabled child has two: a demo this small still shows (and returns)
    # children with more than one, which the census expects to see.
    tally.disabled += 1
    codes = {_pick(rng, DISABILITIES)}
    while tally.disabled % 2 == 0 and len(codes) < 2:
        codes.add(_pick(rng, DISABILITIES))
    return tuple(sorted(codes))


def _postcode(rng: random.Random) -> str:
    """A postcode the referral form accepts (Faker's en_GB ones include shapes such as
    "SK3R 1LZ" that no real postcode has), in the demo council's part of England."""
    while True:
        candidate = (
            f"{rng.choice(POSTCODE_AREAS)}{rng.randint(1, 20)} "
            f"{rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        )
        try:
            return clean_postcode(candidate)
        except ValidationError:
            continue


class _Family:
    def __init__(
        self,
        fake: Faker,
        rng: random.Random,
        tally: _Tally,
        today: date,
        *,
        teenager: bool = False,
    ) -> None:
        """A family as first known to the front door on ``today``; with ``teenager``
        the first child is 12 to 16."""
        self.surname = fake.last_name()
        self.postcode = _postcode(rng)
        self.address = fake.street_address()
        self.ethnicity = _pick(rng, ETHNICITIES)  # "": not yet obtained
        self.children: list[_Child] = []
        for number in range(rng.choice([1, 1, 1, 2, 2, 3])):
            sex = rng.choice(["female", "male"])
            first = fake.first_name_female() if sex == "female" else fake.first_name_male()
            if teenager and number == 0:
                born = today - timedelta(days=rng.randint(12 * 365 + 30, 16 * 365))
            else:
                born = today - timedelta(days=rng.randint(60, 17 * 365))
            nhs = _nhs_number(rng) if rng.random() < 0.7 else ""
            at_school = (today - born).days >= SCHOOL_AGE_DAYS and rng.random() < UPN_SHARE
            upn = tally.pupil_number(born) if at_school else ""
            disabilities = _disabilities(rng, tally)
            self.children.append(_Child(first, born, sex, nhs, upn, disabilities))
        self.parent = (fake.first_name_female(), rng.choice(["parent", "carer"]))
        self.partner = fake.first_name_male()


def _subjects(family: _Family, rng: random.Random, *, misspell: bool) -> list[SubjectInput]:
    subjects = []
    for child in family.children:
        last = family.surname
        if misspell and len(last) > 4:
            i = rng.randrange(1, len(last) - 2)
            last = last[:i] + last[i + 1] + last[i] + last[i + 2 :]
        subjects.append(
            SubjectInput(
                role=ContactSubject.Role.CHILD,
                first_name=child.first,
                last_name=last,
                date_of_birth=child.born,
                sex=child.sex,
                # A referrer who misspells the name rarely has the child's numbers.
                nhs_number="" if misspell else child.nhs,
                unique_pupil_number="" if misspell else child.upn,
                address=family.address,
                postcode=family.postcode,
                # The CIN census details a screener records (ethnicity "" = not obtained).
                ethnicity=family.ethnicity,
                disabilities=child.disabilities,
            )
        )
    parent_first, parent_role = family.parent
    subjects.append(
        SubjectInput(
            role=parent_role,
            first_name=parent_first,
            last_name=family.surname,
            relationship_to_children="Mother",
            sex="female",
            address=family.address,
            postcode=family.postcode,
        )
    )
    if rng.random() < 0.35:
        subjects.append(
            SubjectInput(
                role=ContactSubject.Role.ALLEGED_PERPETRATOR,
                first_name=family.partner,
                last_name=rng.choice([family.surname, "Unknown"]),
                relationship_to_children="Mother's partner",
                sex="male",
            )
        )
    return subjects


def demo_contacts_load(
    *, count: int = DEMO_CONTACT_COUNT, seed: int = 2026, now: datetime | None = None
) -> int:
    """Create the demo's contacts as at ``now``: a history of up to ``count`` (none
    if there are already that many) and today's queue (RECENT_PLAN), unless a contact
    arrived in the last twelve hours. Returns how many were made."""
    now = now or timezone.now()
    existing = Contact.objects.filter(pathway="").count()
    history = max(count - len(RECENT_PLAN) - existing, 0)
    queue = not Contact.objects.filter(
        pathway="", received_at__gte=now - timedelta(hours=12)
    ).exists()
    if not history and not queue:
        return 0
    rng = random.Random(seed + existing)
    fake = Faker("en_GB")
    fake.seed_instance(seed + existing)
    intake = _Intake(rng, fake)
    for number in range(history):
        intake.submit(_received_at(rng, int(DEMO_DAYS * (1 - number / count)), now))
    made = history
    if queue:
        for received_at, planned in sorted(recent_plan(now).items()):
            # Decisions waiting for approval are referrals: a new family's, so no
            # open case sends them to an allocated worker instead.
            new_family = planned.complex or planned.stage in ("approval", "returned")
            intake.submit(
                received_at,
                worrying_teenager=planned.complex,
                new_family=new_family,
                immediate=planned.immediate,
            )
            made += 1
    # Screening the demo asks about each child's earlier contacts; statistics taken
    # before this load (or none, inside a test's transaction) would plan those look-ups
    # as if the tables were empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_contact, referrals_contactsubject, referrals_person")
    return made


def _urgency(rng: random.Random, immediate: bool | None) -> str:
    """As referrers choose (one in ten immediate risk); for today's queue, as its plan
    says, since an immediate-risk contact runs on a shorter clock. One draw either way,
    so the rest of the demo is the same whatever the plan asks."""
    chosen = rng.choices(list(Contact.Urgency), weights=[10, 40, 50])[0]
    if immediate:
        return Contact.Urgency.IMMEDIATE
    if immediate is False and chosen == Contact.Urgency.IMMEDIATE:
        return Contact.Urgency.SOON
    return chosen


class _Intake:
    """Submits demo contacts through intake; families recur."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng, self.fake = rng, fake
        self.screener = User.objects.filter(groups__name=Role.SCREENER).first()
        school_dsl = User.objects.filter(groups__name=Role.REFERRER).first()
        self.referrers = [school_dsl, *_demo_referrers()]
        self.police = Agency.objects.filter(type=Agency.Type.POLICE).first()
        self.families: list[_Family] = []
        self.tally = _Tally()
        self.submitted = 0

    def submit(
        self,
        received_at: datetime,
        *,
        worrying_teenager: bool = False,
        new_family: bool = False,
        immediate: bool | None = None,
    ) -> None:
        """One contact; a ``worrying_teenager`` is a new family's teenager missing from
        home or being exploited, which brings the contact to the complex-case meeting."""
        rng, fake = self.rng, self.fake
        day = london_date(received_at)
        known = bool(self.families) and not new_family and rng.random() < 0.25
        family = (
            rng.choice(self.families)
            if known
            else _Family(fake, rng, self.tally, day, teenager=worrying_teenager)
        )
        if not known:
            self.families.append(family)
        channel = rng.choices(*zip(*CHANNEL_WEIGHTS, strict=True))[0]
        if self.submitted < len(CHANNEL_WEIGHTS):
            # Every channel at least once, however few contacts and whatever the draw.
            channel = CHANNEL_WEIGHTS[self.submitted][0]
        self.submitted += 1
        child = family.children[0]
        age = age_on(child.born, day)
        if worrying_teenager:
            categories = [
                rng.choice([ConcernCategory.MISSING_FROM_HOME, ConcernCategory.CHILD_EXPLOITATION])
            ]
        else:
            fitting = [category for category in NARRATIVES if narratives_for(category, age)]
            categories = rng.sample(fitting, k=rng.choice([1, 1, 2]))
        concerns = " ".join(
            rng.choice(narratives_for(c, age)).format(child=child.first, adult=family.parent[0])
            for c in categories
        )
        awareness = rng.choices(list(Contact.FamilyAwareness), weights=[70, 15, 15])[0]
        data = ContactInput(
            subjects=_subjects(family, rng, misspell=known and rng.random() < 0.3),
            concerns=concerns,
            concern_categories=[str(c) for c in categories],
            urgency=_urgency(rng, immediate),
            family_awareness=awareness,
            family_not_told_reason=""
            if awareness == Contact.FamilyAwareness.AWARE_CONSENTED
            else "Telling the family could put the child at greater risk.",
            received_at=received_at,
            **_channel_details(channel, rng, fake, self.police),
        )
        referrer_account = None
        actor = self.screener
        if channel in (Contact.Channel.ONLINE_FORM, Contact.Channel.PARTNER_API):
            referrer_account = actor = rng.choice(self.referrers)
        contact_submit(actor=actor, data=data, channel=channel, referrer_account=referrer_account)


def _channel_details(channel, rng: random.Random, fake: Faker, police: Agency | None) -> dict:
    if channel == Contact.Channel.PHONE_CONSULTATION:
        advice_only = rng.random() < 0.5
        return {
            "referrer": ReferrerInput(
                name=fake.name(), role="Designated safeguarding lead", referral_source_code="2A"
            ),
            "advice_given": "Talk to the family about an early help assessment and call back if worried."
            if advice_only
            else "Agreed this needs screening today; the caller will send photographs of the injury.",
            "advice_only": advice_only,
        }
    if channel == Contact.Channel.POLICE_NOTIFICATION:
        return {
            "referrer": ReferrerInput(name=f"PC {fake.last_name()}", role="Attending officer"),
            "source_agency": police,
        }
    if channel == Contact.Channel.CONTACT_CENTRE:
        anonymous = rng.random() < 0.3
        return {
            "referrer": ReferrerInput(
                anonymous=anonymous,
                name="" if anonymous else fake.name(),
                role=rng.choice(["Neighbour", "Grandparent", "Family friend"]),
                phone="" if anonymous else "01632 960" + f"{rng.randint(0, 999):03d}",
                referral_source_code=rng.choice(["1A", "1B", "1D"]),
            )
        }
    if channel == Contact.Channel.EMAIL:
        code = rng.choice(["2B", "3F", "4", "8"])
        return {
            "referrer": ReferrerInput(
                name=fake.name(), role="Caseworker", email=fake.email(), referral_source_code=code
            )
        }
    return {}


def _demo_referrers() -> list[User]:
    from frontdoor import services as account_services

    accounts = []
    for number, (email, name, title, agency_name) in enumerate(DEMO_REFERRERS, start=1):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = account_services.user_create(
                email=email,
                full_name=name,
                job_title=title,
                # Ofcom's range kept for drama: a number that looks real and reaches no one.
                phone=f"01632 960{number:03d}",
                agency=Agency.objects.get(name=agency_name),
                roles=[Role.REFERRER],
                password=None,
            )
        accounts.append(user)
    return accounts
