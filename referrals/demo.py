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

from django.utils import timezone
from faker import Faker

from frontdoor.demo import (
    DISABILITIES,
    DISABLED_SHARE,
    ETHNICITIES,
    NO_DISABILITY,
    SCHOOL_AGE_DAYS,
    UPN_LA,
    upn_with_check_letter,
)
from frontdoor.models import Agency, User
from frontdoor.roles import Role
from referrals.models import ConcernCategory, Contact, ContactSubject, Person
from referrals.services import ContactInput, ReferrerInput, SubjectInput, contact_submit

DEMO_CONTACT_COUNT = 400
# Fifteen months: a quarter's scorecard shows the four quarters before it.
DEMO_DAYS = 460
DEMO_RECENT = 30  # received in the last day and a half: today's queue
DEMO_SCHOOLS = (2701, 40)  # the demo's schools for pupil numbers (synthetic data: 2001-2600)
UPN_SHARE = 0.9  # of school children: the school or the screener gives it

NARRATIVES = {
    ConcernCategory.NEGLECT: [
        "{child} has come to school hungry most days this term and in the same clothes all week.",
        "The health visitor found the home cold, with little food, and {child} in a soiled nappy.",
    ],
    ConcernCategory.PHYSICAL_ABUSE: [
        "{child} has a bruise on the upper arm shaped like a grip and said '{adult} grabbed me'.",
        "{child} arrived with a burn on the hand; the explanation given does not fit the injury.",
    ],
    ConcernCategory.EMOTIONAL_ABUSE: [
        "{child} is withdrawn and says {adult} tells them they are stupid and unwanted.",
    ],
    ConcernCategory.SEXUAL_ABUSE: [
        "{child} disclosed to a teaching assistant that an adult touched them in a way they did not like.",
    ],
    ConcernCategory.DOMESTIC_ABUSE: [
        "Police attended a domestic incident at the home overnight; {child} was present and upset.",
        "{adult} told the GP that their partner is controlling and has threatened them in front of {child}.",
    ],
    ConcernCategory.PARENTAL_MENTAL_HEALTH: [
        "{adult} told the health visitor they are struggling with very low mood and cannot cope with {child}.",
    ],
    ConcernCategory.SUBSTANCE_MISUSE: [
        "{adult} appeared intoxicated when collecting {child} from nursery and was driving.",
    ],
    ConcernCategory.MISSING_FROM_HOME: [
        "{child} was reported missing overnight for the third time this month and returned with new trainers.",
    ],
    ConcernCategory.CHILD_EXPLOITATION: [
        "{child} has been seen getting into cars with older men and has unexplained money and phones.",
    ],
    ConcernCategory.OTHER: [
        "{child} is a young carer for {adult} and has missed a lot of school.",
    ],
}

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
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _received_at(rng: random.Random, days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    minutes = (
        int(rng.triangular(8 * 60, 19 * 60, 11 * 60))
        if rng.random() < 0.9
        else rng.randint(0, 1439)
    )
    local = datetime.combine(
        day, time(minutes // 60, minutes % 60), tzinfo=timezone.get_current_timezone()
    )
    return min(local, timezone.now())


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


class _Family:
    def __init__(self, fake: Faker, rng: random.Random, tally: _Tally, today: date) -> None:
        """A family as first known to the front door on ``today``."""
        self.surname = fake.last_name()
        self.postcode = fake.postcode()
        self.address = fake.street_address()
        self.ethnicity = _pick(rng, ETHNICITIES)  # "": not yet obtained
        self.children: list[_Child] = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            sex = rng.choice(["female", "male"])
            first = fake.first_name_female() if sex == "female" else fake.first_name_male()
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


def demo_contacts_load(*, count: int = DEMO_CONTACT_COUNT, seed: int = 2026) -> int:
    """Create up to ``count`` demo contacts (none if there are already that many)."""
    existing = Contact.objects.count()
    if existing >= count:
        return 0
    rng = random.Random(seed + existing)
    fake = Faker("en_GB")
    fake.seed_instance(seed + existing)
    screener = User.objects.filter(groups__name=Role.SCREENER).first()
    school_dsl = User.objects.filter(groups__name=Role.REFERRER).first()
    referrers = [school_dsl, *_demo_referrers()]
    police = Agency.objects.filter(type=Agency.Type.POLICE).first()
    families: list[_Family] = []
    tally = _Tally()
    for number in range(count - existing):
        received_at = (
            _received_at(rng, int(DEMO_DAYS * (1 - number / count)))
            if number < count - DEMO_RECENT
            else timezone.now() - timedelta(minutes=rng.randint(5, 36 * 60))
        )
        known = families and rng.random() < 0.25
        family = (
            rng.choice(families)
            if known
            else _Family(fake, rng, tally, timezone.localtime(received_at).date())
        )
        if not known:
            families.append(family)
        channel = rng.choices(*zip(*CHANNEL_WEIGHTS, strict=True))[0]
        categories = rng.sample(list(NARRATIVES), k=rng.choice([1, 1, 2]))
        child_name = family.children[0].first
        concerns = " ".join(
            rng.choice(NARRATIVES[c]).format(child=child_name, adult=family.parent[0])
            for c in categories
        )
        awareness = rng.choices(list(Contact.FamilyAwareness), weights=[70, 15, 15])[0]
        data = ContactInput(
            subjects=_subjects(family, rng, misspell=known and rng.random() < 0.3),
            concerns=concerns,
            concern_categories=[str(c) for c in categories],
            urgency=rng.choices(list(Contact.Urgency), weights=[10, 40, 50])[0],
            family_awareness=awareness,
            family_not_told_reason=""
            if awareness == Contact.FamilyAwareness.AWARE_CONSENTED
            else "Telling the family could put the child at greater risk.",
            received_at=received_at,
            **_channel_details(channel, rng, fake, police),
        )
        referrer_account = None
        actor = screener
        if channel in (Contact.Channel.ONLINE_FORM, Contact.Channel.PARTNER_API):
            referrer_account = actor = rng.choice(referrers)
        contact_submit(actor=actor, data=data, channel=channel, referrer_account=referrer_account)
    return count - existing


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
    for email, name, title, agency_name in DEMO_REFERRERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = account_services.user_create(
                email=email,
                full_name=name,
                job_title=title,
                agency=Agency.objects.get(name=agency_name),
                roles=[Role.REFERRER],
                password=None,
            )
        accounts.append(user)
    return accounts
