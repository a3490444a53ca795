"""Families, the people in them and their subject, person and match-candidate rows."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from datetime import date

from demo.common import (
    NO_DISABILITY,
    SCHOOL_AGE_DAYS,
    TWO_DISABILITIES_SHARE,
    UPN_LA,
    upn_with_check_letter,
)
from demo.synthetic.contacts import Plan
from demo.synthetic.tables import (
    DAY,
    FAMILY_ROLES,
    FREQUENT_CONTACTS,
    LARGE_FAMILY_SHARE,
    NOT_REFERRAL_REPEAT_SHARE,
    NULL,
    RE_REFERRAL_SHARE,
    RE_REFERRAL_TRIES,
    REFERRAL_OTHER_REPEAT_SHARE,
    REPEAT_WITHIN_YEAR_SHARE,
    TOWNS,
    UPN_SCHOOLS,
    UPN_SHARE,
    YEAR,
    Match,
    SubjectRole,
    _pick,
)
from frontdoor.nhs_numbers import nhs_number_from

# --- People ------------------------------------------------------------------------


class Member:
    """One person in a family as first recorded; ``pid`` is their person record."""

    __slots__ = (
        "address",
        "aliases",
        "born",
        "closes_on",
        "disabilities",
        "ethnicity",
        "expected",
        "first",
        "last",
        "later_first",
        "later_sex",
        "nhs",
        "person_upn",
        "pid",
        "postcode",
        "referred_on",
        "relationship",
        "role",
        "sex",
        "updated",
        "upn",
        "upn_known",
        "warned",
        "written",
    )

    def __init__(self, role: str, first: str, last: str, sex: str, **extra) -> None:
        self.role, self.first, self.last, self.sex = role, first, last, sex
        self.born: int | None = extra.get("born")  # date ordinals
        self.expected: int | None = extra.get("expected")
        self.later_first: str = extra.get("later_first", "")  # an unborn child's name
        self.later_sex: str = extra.get("later_sex", sex)  # and sex, once born
        self.nhs: str = extra.get("nhs", "")
        # A pupil number comes with school; most referrers of a school child give it.
        self.upn = ""
        self.upn_known: bool = extra.get("upn_known", False)
        self.person_upn = ""  # as the person record was made
        # CIN census codes as COPY text; only children's are recorded.
        self.ethnicity: str = extra.get("ethnicity", "")
        self.disabilities: str = extra.get("disabilities", "{}")
        # Calendar day indexes: the last referral about this child, and the day the
        # case it opened closes (planned, so possibly after the load's end; -1: none).
        self.referred_on = -1
        self.closes_on = -1
        self.relationship: str = extra.get("relationship", "")
        self.address: str = extra.get("address", "")
        self.postcode: str = extra.get("postcode", "")
        self.aliases: list[str] | None = None  # names a screener confirmed (few have any)
        self.updated = 0  # when a screener last added an alias
        self.pid = 0  # 0 until the person first appears on a contact
        self.written = False  # their person row has gone to PostgreSQL
        self.warned = False  # a screener has put a warning on their record


class Family:
    __slots__ = (
        "adults",
        "children",
        "contacts",
        "ethnicity",
        "key",
        "large",
        "last_seen",
        "pairs",
        "surname",
    )

    def __init__(
        self, key: int, surname: str, children: list, adults: list, ethnicity: str
    ) -> None:
        self.key, self.surname, self.children, self.adults = key, surname, children, adults
        self.ethnicity = ethnicity
        self.last_seen = 0
        self.contacts = 0  # how many contacts have been about them
        self.large = False  # a large household: not everyone is on every contact
        # (person, person, kind) already related on record, the lower id first.
        self.pairs: set[tuple[int, int, str]] = set()


class PeopleMixin:
    """The Generator's families and people: who a contact is about, as rows."""

    def _nhs_number(self) -> str:
        # A fixed bijection of a counter onto nine-digit bodies gives numbers
        # unique within the run without remembering them; ``existing_nhs`` covers
        # people already on record (earlier runs, the demo, real intake).
        while True:
            # England and Wales issue 400 000 000 to 799 999 999.
            body = 400_000_000 + (self.nhs_counter * 387_420_489 + 123_456_789) % 400_000_000
            self.nhs_counter += 1
            number = nhs_number_from(f"{body:09d}")
            if number is not None and number not in self.existing_nhs:
                return number

    def _upn(self, born: int) -> str:
        """A unique pupil number the DfE's rules accept (check letter, a real LA code);
        unique by a counter per year of allocation, skipping any already on record."""
        year = (date.fromordinal(born).year + 5) % 100  # allocated on starting school
        first_school, schools = UPN_SCHOOLS
        while True:
            index = self.upn_counters.get(year, 0)
            self.upn_counters[year] = index + 1
            digits = f"{UPN_LA}{first_school + index % schools:04d}{year:02d}"
            upn = upn_with_check_letter(digits + f"{index // schools % 1000:03d}")
            if upn not in self.existing_upns:
                return upn

    def _disabilities(self) -> str:
        if self.rng.random() >= self.disabled_share:
            return f"{{{NO_DISABILITY}}}"
        codes = {_pick(self.rng, self.disability_codes)}
        if self.rng.random() < TWO_DISABILITIES_SHARE:
            codes.add(_pick(self.rng, self.disability_codes))
        # In the published order, as referrals.services keeps them.
        return "{" + ",".join(sorted(codes, key=self.disability_order.__getitem__)) + "}"

    @staticmethod
    def _date(ordinal: int | None) -> str:
        return NULL if ordinal is None else date.fromordinal(ordinal).isoformat()

    # -- families --------------------------------------------------------------------

    def _new_family(self, today: int) -> Family:
        rnd = self.rng.random
        surname = self._one(self.surnames)
        address = f"{self._between(1, 240)} {self._one(self.streets)}, {self._one(TOWNS)}"
        postcode = self._one(self.postcodes)
        ethnicity = _pick(self.rng, self.ethnicities)
        children = [
            self._child(
                surname, address, postcode, today, ethnicity, unborn=n == 0 and rnd() < 0.03
            )
            for n in range(_pick(self.rng, self.children_count))
        ]
        mother_surname = surname if rnd() < 0.8 else self._one(self.surnames)
        adults = [
            Member(
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
                Member(
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
                Member(
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
        family = Family(self.family_key, surname, children, adults, ethnicity)
        if rnd() < LARGE_FAMILY_SHARE:
            self._large_extras(family, today)
        self.families[family.key] = family
        return family

    def _child(
        self, surname: str, address: str, postcode: str, today: int, ethnicity: str, *, unborn: bool
    ):
        disabilities = self._disabilities()
        if unborn:
            sex = "female" if self.rng.random() < 0.49 else "male"
            return Member(
                SubjectRole.UNBORN_CHILD,
                "Unborn",
                surname,
                "unknown",
                expected=today + self._between(20, 200),
                later_first=self._one(self.female if sex == "female" else self.male),
                later_sex=sex,
                address=address,
                postcode=postcode,
                ethnicity=ethnicity,
                disabilities=disabilities,
            )
        sex = "female" if self.rng.random() < 0.49 else "male"
        return Member(
            SubjectRole.CHILD,
            self._one(self.female if sex == "female" else self.male),
            surname,
            sex,
            born=today - self._between(30, 17 * 365 + 300),
            nhs=self._nhs_number() if self.rng.random() < 0.85 else "",
            upn_known=self.rng.random() < UPN_SHARE,
            address=address,
            postcode=postcode,
            ethnicity=ethnicity,
            disabilities=disabilities,
        )

    def _known(self, times: array, families: array, since: int, until: int) -> Family | None:
        low, high = bisect_left(times, since), bisect_left(times, until)
        if high <= low:
            return None
        return self.families[families[low + int(self.rng.random() * (high - low))]]

    @staticmethod
    def _case_open(family: Family, day: int) -> bool:
        """Whether a child's case from an earlier referral is still open on ``day``: a
        new contact about them then goes to their allocated worker (already open)."""
        return any(child.closes_on >= day for child in family.children)

    def _family_for(self, received: int, referral: bool) -> tuple[Family, bool]:
        family = self._frequent_family()
        if family is not None:
            return family, True
        roll = self.rng.random()
        if referral and roll < RE_REFERRAL_SHARE:
            # Re-referrals are of children whose case has closed (an open case's new
            # worry goes to its allocated worker), so look a few times for one.
            day = self.cal.day_of(received)
            for _ in range(RE_REFERRAL_TRIES):
                family = self._known(
                    self.referred_at, self.referred_family, received - 360 * DAY, received
                )
                if family is None or not self._case_open(family, day):
                    break
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
        family = self._new_family(today)
        frequent = self.families.get(self.frequent_key)
        if (frequent is None or frequent.contacts >= FREQUENT_CONTACTS) and not (
            family.large or family.children[0].role == SubjectRole.UNBORN_CHILD
        ):
            # The next child who will come back again and again (one child, one parent).
            del family.children[1:]
            self.frequent_key = family.key
        return family, False

    def _forget(self, before: int) -> None:
        # Each contact is looked at once, when it leaves every look-back window; a
        # family goes when its latest contact does.
        stop = bisect_left(self.seen_at, before)
        for index in range(self.forgotten_up_to, stop):
            family = self.families.get(self.seen_family[index])
            if family is not None and family.last_seen < before:
                del self.families[family.key]
        self.forgotten_up_to = max(self.forgotten_up_to, stop)

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
                member.person_upn,
                member.address,
                member.postcode,
                ts(created),
                ts(max(created, member.updated)),
                member.ethnicity,
                member.disabilities,
            )
            rows.append("\t".join(row))
            member.written = True
        self.new_people = []

    # -- the rows of one contact ----------------------------------------------------

    def _subjects(
        self,
        contact_id: int,
        family: Family,
        known: bool,
        received: int,
        plan: Plan,
        *,
        recorded_by: str,
        screener: int,
        seen_by: str,
    ) -> tuple[list[tuple[int, str, Member]], str]:
        """Subject rows (and new people, their relationships and warnings); returns the
        children as (subject id, first name, member) and the family's postal address
        for letters, as COPY text."""
        rnd = self.rng.random
        today = self.cal.first.toordinal() + self.cal.day_of(received)
        # A screener settles likely matches when taking the contact; until then
        # a known child without an NHS number waits as a likely match.
        settled = bool(plan.claimed)
        if known and len(family.children) < 4 and rnd() < 0.08:  # a new baby or a half-sibling
            sibling = family.children[0]
            family.children.append(
                self._child(
                    family.surname,
                    sibling.address,
                    sibling.postcode,
                    today,
                    family.ethnicity,
                    unborn=False,
                )
            )
        rows = self.rows["referrals_contactsubject"]
        children: list[tuple[int, str, Member]] = []
        letter = ""
        linked: list[Member] = []  # matched to their record, so related on it
        for position, member in enumerate(self._on_contact(family)):
            subject_id = self._id("referrals_contactsubject")
            role, first, last, sex = member.role, member.first, member.last, member.sex
            born, expected, nhs = member.born, member.expected, member.nhs
            if role == SubjectRole.UNBORN_CHILD and expected <= today:
                role, first, born, expected = SubjectRole.CHILD, member.later_first, expected, None
                sex = member.later_sex
            is_child = role in (SubjectRole.CHILD, SubjectRole.UNBORN_CHILD)
            if member.upn_known and not member.upn and today - (born or today) >= SCHOOL_AGE_DAYS:
                member.upn = self._upn(born)  # started school since the last contact
            person = str(member.pid)
            if not member.pid:
                member.pid = self._id("referrals_person")
                member.person_upn = member.upn
                person = str(member.pid)
                self.new_people.append((member, plan.created))
                match = Match.NEW_PERSON
                self._warn(member, plan, screener)
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
                sex,
                nhs,
                member.upn,
                member.address,
                member.postcode,
                match,
                str(position),
                str(contact_id),
                person,
                member.ethnicity,
                member.disabilities,
                *(
                    self._voice(born or member.born, today, seen_by)
                    if role == SubjectRole.CHILD
                    else (NULL, NULL, "", "", "")
                ),
            )
            rows.append("\t".join(row))
            if person != NULL:
                linked.append(member)
            if is_child:
                children.append((subject_id, first, member))
            elif not letter and role in FAMILY_ROLES and member.address and member.postcode:
                # As outcomes.services addresses the family letter; COPY escapes the breaks.
                letter = f"{first} {last}\\n{member.address}\\n{member.postcode}"
        self._relate(contact_id, linked, family, plan, recorded_by, screener)
        return children, letter
