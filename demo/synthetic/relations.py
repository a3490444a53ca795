"""The family around each contact: large households, children's frequent returns, the
relationships between the people on record, warnings on some of them and what the
children said, as COPY rows like the rest.

Relationships are written as ``referrals.services.relationships_suggest`` makes them
from a contact's matched people (each adult to each child, kind from their role and
the referrer's words; children on one contact as siblings), once per pair of people
and kind, recorded on the first contact naming both; most are confirmed by the
screener who took that contact, and a screener adds the mother's partner as her
partner. Warnings go on the people a screener would flag (an alleged perpetrator
most often), each with reviews every few months as the review page asks for, a
few ended, and a few left past their review date.
"""

from __future__ import annotations

import random
from datetime import date

from demo.synthetic.people import Member
from demo.synthetic.tables import (
    FREQUENT_CONTACTS,
    FREQUENT_SHARE,
    LARGE_CHILDREN,
    NULL,
    SubjectRole,
)
from referrals.models import Relationship, WarningKind

CONFIRMED_SHARE = 0.8  # of relationships on a contact a screener took
PARTNER_SHARE = 0.5  # mother and her partner recorded as partners by the screener
# The share of people given a warning when first on a contact a screener took.
WARNING_SHARE = {
    SubjectRole.ALLEGED_PERPETRATOR: 0.3,
    SubjectRole.HOUSEHOLD_MEMBER: 0.06,
    SubjectRole.PARENT: 0.02,
    SubjectRole.CARER: 0.01,
    SubjectRole.CHILD: 0.003,
}
WARNING_KINDS = {
    SubjectRole.ALLEGED_PERPETRATOR: [
        (WarningKind.MARAC, 0.4),
        (WarningKind.PROTECTION_ORDER, 0.3),
        (WarningKind.RISK_TO_STAFF, 0.3),
    ],
    SubjectRole.HOUSEHOLD_MEMBER: [
        (WarningKind.SEX_OFFENDER_IN_HOUSEHOLD, 0.3),
        (WarningKind.RISK_TO_STAFF, 0.5),
        (WarningKind.OTHER, 0.2),
    ],
}
OTHER_WARNING_KINDS = [(WarningKind.RISK_TO_STAFF, 0.5), (WarningKind.MARAC, 0.3), (WarningKind.OTHER, 0.2)]  # fmt: skip
EVIDENCE = {
    WarningKind.RISK_TO_STAFF: "Threatened a social worker with a knife at a home visit; police report attached to the earlier contact.",
    WarningKind.MARAC: "Heard at MARAC as a high-risk domestic abuse case; the IDVA holds the safety plan.",
    WarningKind.PROTECTION_ORDER: "Non-molestation order made by the family court, in force for twelve months; copy held by police.",
    WarningKind.SEX_OFFENDER_IN_HOUSEHOLD: "Police confirm a registered sex offender lives at the address; MAPPA level 2.",
    WarningKind.OTHER: "Aggressive on the telephone to the contact centre twice; speak to a manager before calling.",
}  # fmt: skip
REVIEW_DAYS = (60, 180)  # from setting or reviewing a warning to its next review
OVERDUE_SHARE = 0.1  # of reviews falling due: nobody has looked yet
END_SHARE = 0.3  # of reviews: the warning no longer stands
REVIEW_NOTES = [
    "Checked with police: still current.",
    "MARAC reviewed the case this month; the risk remains.",
    "Order extended by the court; keep the warning.",
]
END_REASONS = [
    "The order has expired and police hold no current concern.",
    "Moved out of the area; no longer part of the household.",
    "MARAC closed the case; risk reassessed as standard.",
]
VOICE_SHARE = 0.8  # of children on a contact: the referrer says whether they saw them
SEEN_SHARE = 0.75  # of those, for a child old enough to talk
SAID = {  # by age: under 8, under 13, older
    3: [
        "Mummy shouts and I hide under the bed.",
        "I like school because there is breakfast.",
        "Daddy hurt my arm.",
        "I don't want to go home.",
    ],
    8: [
        "I look after my little brother when mum is poorly.",
        "Mum's boyfriend gets angry when he drinks; I go to my room.",
        "Nobody was home when I got back from school.",
        "I don't have a coat and the others laugh at me.",
    ],
    13: [
        "I'm fine, I just don't want to be at home right now.",
        "I stay at a friend's because it's safer there.",
        "He said he'd hurt mum if I told anyone.",
        "I didn't go missing, I was with people I know.",
    ],
}
TOO_YOUNG = "Too young to talk; seen with their mother, clean and settled."
NOT_SEEN = [
    "The referrer had no direct contact with the child.",
    "Police attended after the child had gone to bed.",
    "The child was not at home when the referrer visited.",
    "Too young to be spoken to; the referrer did not see the baby.",
]


def _one(rng: random.Random, values):
    return values[int(rng.random() * len(values))]


def _between(rng: random.Random, low: float, high: float) -> int:
    return int(low + (high - low) * rng.random())


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _kind_for(role: str, said: str) -> str:
    """As ``referrals.services.kind_guess`` reads an adult's role and words (its
    first guess)."""
    if "partner" in said.lower() and role == SubjectRole.HOUSEHOLD_MEMBER:
        return Relationship.Kind.STEP_PARENT
    return {
        SubjectRole.PARENT: Relationship.Kind.PARENT,
        SubjectRole.CARER: Relationship.Kind.CARER,
        SubjectRole.HOUSEHOLD_MEMBER: Relationship.Kind.HOUSEHOLD_MEMBER,
        SubjectRole.ALLEGED_PERPETRATOR: Relationship.Kind.ALLEGED_PERPETRATOR,
    }.get(role, Relationship.Kind.OTHER)


class RelationsMixin:
    """The Generator's relationships, warnings and children's voices."""

    # -- who is on a contact ---------------------------------------------------------

    def _large_extras(self, family, today: int) -> None:
        """Make a new family a large household: more children (half-siblings among
        them) and the adults around them."""
        first = family.children[0] if family.children else None
        if first is None:
            return
        size = self._between(*LARGE_CHILDREN)
        while len(family.children) < size:
            family.children.append(
                self._child(
                    family.surname,
                    first.address,
                    first.postcode,
                    today,
                    family.ethnicity,
                    unborn=False,
                )
            )
        surname = self._one(self.surnames)
        extras = [
            (SubjectRole.PARENT, "male", "Father of the younger children", surname),
            (SubjectRole.CARER, "female", "Grandmother", family.adults[0].last),
            (SubjectRole.HOUSEHOLD_MEMBER, "female", "Aunt", family.adults[0].last),
        ]
        if self.rng.random() < 0.5:
            extras.append((SubjectRole.CARER, "male", "Grandfather", family.adults[0].last))
        for role, sex, relationship, last in extras:
            family.adults.append(
                Member(
                    role,
                    self._one(self.male if sex == "male" else self.female),
                    last,
                    sex,
                    relationship=relationship,
                    address=first.address,
                    postcode=first.postcode,
                )
            )
        family.large = True

    def _on_contact(self, family) -> list:
        """Who this contact is about: everyone, or for a large household after its
        first contact, one to three of the children and the mother."""
        everyone = family.children + family.adults
        if not family.large or family.contacts <= 1:
            return everyone
        children = family.children[:]
        self.rng.shuffle(children)
        return children[: self._between(1, 4)] + family.adults[:1]

    def _frequent_family(self):
        """The child who comes back again and again, if this contact is theirs."""
        if self.side.random() >= FREQUENT_SHARE:
            return None
        family = self.families.get(self.frequent_key)
        if family is None or family.contacts >= FREQUENT_CONTACTS:
            return None
        return family

    # -- rows ------------------------------------------------------------------------

    def _relate(
        self, contact_id: int, present: list, family, plan, recorded_by: str, screener: int
    ) -> None:
        """Relationship rows for the pairs on this contact not yet related."""
        rows = self.rows["referrals_relationship"]
        ts = self.cal.timestamp
        children = [m for m in present if m.role in (SubjectRole.CHILD, SubjectRole.UNBORN_CHILD)]
        adults = [m for m in present if m not in children]
        wanted = []
        for child in children:
            for adult in adults:
                wanted.append((adult, child, _kind_for(adult.role, adult.relationship)))
            for other in children:
                if other.pid > child.pid:
                    wanted.append((child, other, Relationship.Kind.SIBLING))
        if plan.claimed and len(adults) > 1 and self.side.random() < PARTNER_SHARE:
            mother, partner = adults[0], adults[1]
            if "partner" in partner.relationship.lower():
                wanted.append((mother, partner, Relationship.Kind.PARTNER))
        for person, relative, kind in wanted:
            key = (*_pair(person.pid, relative.pid), kind)
            if key in family.pairs:
                continue
            family.pairs.add(key)
            confirmed = plan.claimed and (
                kind == Relationship.Kind.PARTNER or self.side.random() < CONFIRMED_SHARE
            )
            added_by_screener = kind == Relationship.Kind.PARTNER
            rows.append(
                "\t".join(
                    (
                        str(self._id("referrals_relationship")),
                        str(person.pid),
                        str(relative.pid),
                        kind,
                        "confirmed" if confirmed else "suggested",
                        str(contact_id),
                        str(screener) if added_by_screener else recorded_by,
                        ts(plan.claimed if added_by_screener else plan.created),
                        str(screener) if confirmed else NULL,
                        ts(plan.claimed) if confirmed else NULL,
                        NULL,
                        NULL,
                        NULL,
                        "",
                    )
                )
            )

    def _warn(self, member, plan, screener: int) -> None:
        """Perhaps a warning on someone a screener has just met, with its reviews."""
        rnd, side = self.side.random, self.side
        share = WARNING_SHARE.get(member.role, 0)
        if member.warned or not plan.claimed or rnd() >= share:
            return
        member.warned = True
        kinds = WARNING_KINDS.get(member.role, OTHER_WARNING_KINDS)
        kind = kinds[-1][0]
        roll = rnd()
        for candidate, weight in kinds:
            if roll < weight:
                kind = candidate
                break
            roll -= weight
        ts, day_of = self.cal.timestamp, self.cal.day_of
        warning_id = self._id("referrals_personwarning")
        set_at = plan.claimed + _between(side, 600, 3600)
        first_due = self._due(set_at)
        review_due = first_due
        reviewed = ended = None
        reviews = self.rows["referrals_personwarningreview"]
        # Each review falling due before today: done (a new date), the warning ended,
        # or nobody has looked yet (past its review date, on the review page).
        while self.cal.midnights[day_of(self.end)] > self._midnight(review_due):
            roll = rnd()
            if roll < OVERDUE_SHARE:
                break
            at = min(self._midnight(review_due) + _between(side, 9, 17) * 3600, self.end - 60)
            by = _one(side, self.world.managers)
            if roll < OVERDUE_SHARE + END_SHARE:
                ended = (at, by, _one(side, END_REASONS))
                break
            review_due = self._due(at)
            note = _one(side, REVIEW_NOTES)
            reviewed = (at, by, note)
            reviews.append(
                "\t".join(
                    (
                        str(self._id("referrals_personwarningreview")),
                        ts(at),
                        review_due.isoformat(),
                        note,
                        str(by),
                        str(warning_id),
                    )
                )
            )
        self.rows["referrals_personwarning"].append(
            "\t".join(
                (
                    str(warning_id),
                    kind,
                    EVIDENCE[kind],
                    ts(set_at),
                    review_due.isoformat(),
                    first_due.isoformat(),
                    ts(reviewed[0]) if reviewed else NULL,
                    reviewed[2] if reviewed else "",
                    ts(ended[0]) if ended else NULL,
                    ended[2] if ended else "",
                    str(ended[1]) if ended else NULL,
                    str(member.pid),
                    str(reviewed[1]) if reviewed else NULL,
                    str(screener),
                )
            )
        )

    def _due(self, moment: int) -> date:
        return self.cal.date_of(self.cal.day_of(moment) + _between(self.side, *REVIEW_DAYS))

    def _midnight(self, day: date) -> int:
        return self.cal.midnights[(day - self.cal.first).days]

    def _voice(self, born: int | None, today: int, seen_by: str) -> tuple[str, ...]:
        """The child's-voice columns of a born child's subject row: seen, when, by
        whom, what they said, or why not (most referrers say)."""
        rnd, side = self.side.random, self.side
        if born is None or rnd() >= VOICE_SHARE:
            return (NULL, NULL, "", "", "")
        age = (today - born) // 365
        if rnd() < (SEEN_SHARE if age >= 3 else 0.5):
            said = (
                TOO_YOUNG if age < 3 else _one(side, SAID[3 if age < 8 else 8 if age < 13 else 13])
            )
            seen_on = max(born, today - _between(side, 0, 4))
            return ("t", date.fromordinal(seen_on).isoformat(), seen_by, said, "")
        return ("f", NULL, "", "", _one(side, NOT_SEEN))
