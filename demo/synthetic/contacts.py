"""Contacts: when they arrive, who referred them, and the plan of their life at the front door."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from demo.common import NO_DISABILITY, STRATEGY_NEED_IS_ABUSE
from demo.narratives import NARRATIVES, age_on, narratives_for
from demo.synthetic.tables import (
    ADVICE_FOR_SCREENING,
    ADVICE_ONLY,
    CHANGED_DECISION_SHARE,
    CHANGED_FROM,
    CHECK_SHARE,
    COMPLEX_SHARE,
    DISABLED_CHILD_NEED_SHARE,
    HOUR,
    NOT_TOLD_REASONS,
    NULL,
    PUBLIC_ROLES,
    RETURNED_DECISION_SHARE,
    ROLE_BY_AGENCY_TYPE,
    WITHHOLD_SHARE,
    Channel,
    Status,
    _pick,
)
from frontdoor.london import one_year_before
from frontdoor.models import Agency
from outcomes.models import Notice
from referrals.models import Contact
from screening.models import (
    CENSUS_REFERRAL_ROUTES,
    REFERRAL_ROUTES,
    ROUTES_NEEDING_APPROVAL,
    Route,
    needs_manager_approval,
)

# Referrals that open a CIN census episode; "already open" is not a new referral.
NO_DISABILITIES = f"{{{NO_DISABILITY}}}"  # as COPY writes the list


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
class Plan:
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


def _nearest(category: str, age: int) -> list[str]:
    text, _, _ = min(NARRATIVES[category], key=lambda n: max(n[1] - age, age - n[2], 0))
    return [text]


class ContactMixin:
    """The Generator's contacts: one contact row and everything it sets going."""

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

    # -- one contact -----------------------------------------------------------------

    def _contact(self, received: int) -> None:
        rng, rnd, cal = self.rng, self.rng.random, self.cal
        route = _pick(rng, self.routes)
        referral = route in REFERRAL_ROUTES
        family, known = self._family_for(received, referral)
        family.last_seen = received
        day = cal.day_of(received)
        if route in CENSUS_REFERRAL_ROUTES and self._case_open(family, day):
            # A child's case is still open: the allocated worker takes the new worry,
            # and no second CIN episode opens while the first runs (DfE rules 8815-8820).
            route = Route.ALREADY_OPEN
        categories = self._concern_categories(route)
        need = self._primary_need(route, categories, family)
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

        family.contacts += 1
        children, family_address = self._subjects(
            contact_id,
            family,
            known,
            received,
            plan,
            recorded_by=referrer.recorded_by or str(screener),
            screener=screener,
            seen_by=", ".join(part for part in (referrer.name, referrer.role) if part)
            or "The referrer",
        )
        # Only the children on this contact count: a large household's later contacts
        # name some of its children, not all.
        re_referral = known and self._re_referral([member for _, _, member in children], day)
        self._screening(contact_id, route, status, screener, plan, complex_)
        self._checks(contact_id, screener, plan)
        standing = self._decisions(
            contact_id, route, status, screener, plan, complex_, need, re_referral
        )

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
            self._downstream(contact_id, route, children, standing[-1][2], day, categories)

        child_name = children[0][1] if children else family.surname
        born = children[0][2].born if children else None
        age = age_on(date.fromordinal(born), cal.date_of(day)) if born else 0
        concerns = " ".join(
            # A worry that no narrative fits at this age (the weights pick categories
            # by route, not age) takes its category's nearest one.
            self._one(narratives_for(category, age) or _nearest(category, age)).format(
                child=child_name, adult=family.adults[0].first
            )
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
        number = next(self.references[year])
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
            "",  # idempotency key
            "",  # its body's hash
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
            for _, _, member in children:
                member.referred_on = day

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

    def _plan(self, route: str, status: str, received: int, created: int) -> Plan:
        """When it was taken, checked, decided and approved, as far as ``status`` goes."""
        rnd = self.rng.random
        plan = Plan(received=received, created=created)
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
            # Synthetic contacts are all routine (none immediate-risk).
            plan.needs_approval = needs_manager_approval(
                route=route, withholding=plan.withhold, immediate=False
            )
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

    def _re_referral(self, children: list, day: int) -> bool:
        """As screening.services records it: a child on the contact had a referral
        received on or after the same date a year before."""
        today = self.cal.date_of(day)
        year_ago = one_year_before(today)
        since = max((year_ago - self.cal.first).days, 0)  # -1: never referred
        return any(child.referred_on >= since for child in children)

    def _primary_need(self, route: str, categories: list[str], family) -> str:
        """The CIN census primary need a referral to social care records."""
        if route not in CENSUS_REFERRAL_ROUTES:
            return ""
        if route == Route.STRATEGY_DISCUSSION:
            if self.rng.random() < STRATEGY_NEED_IS_ABUSE:
                return "N1"
        elif self.rng.random() < DISABLED_CHILD_NEED_SHARE and any(
            child.disabilities != NO_DISABILITIES for child in family.children
        ):
            return "N2"  # the child's disability or illness
        return _pick(self.rng, self.primary_needs[categories[0]])

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
