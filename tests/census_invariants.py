"""The CIN census rules that generated data (the demo's and the synthetic generator's)
must keep, checked on the records themselves: what the DfE's validator would call an
*error* in a census export of them (rule numbers in brackets).

``census_problems()`` lists every breach found (empty is good); ``census_shares()``
gives the figures a realistic data set should show.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import pairwise

from django.utils import timezone

from frontdoor.census_codes import census_codes, return_year_of
from frontdoor.working_days import add_working_days, is_working_day
from outcomes.models import DownstreamOutcome
from referrals.models import ContactSubject, Person
from screening.models import CENSUS_REFERRAL_ROUTES, STANDING_APPROVALS, Decision

E = DownstreamOutcome.Event


@cache
def _valid(code_list: str, year: int) -> frozenset[str]:
    return frozenset(code.code for code in census_codes(code_list, year))


@dataclass
class _Episode:
    contact_id: int
    subject_id: int
    person_id: int | None
    referral: date
    events: list[DownstreamOutcome] = field(default_factory=list)

    def on(self, event: str) -> list[date]:
        return sorted(e.occurred_on for e in self.events if e.event == event)

    @property
    def closed(self) -> date | None:
        closures = self.on(E.CASE_CLOSED)
        return closures[-1] if closures else None


def _standing_routes() -> dict[int, str]:
    routes: dict[int, str] = {}
    for contact_id, route in (
        Decision.objects.filter(approval__in=STANDING_APPROVALS)
        .order_by("contact_id", "decided_at", "pk")
        .values_list("contact_id", "route")
    ):
        routes[contact_id] = route  # the latest stands
    return routes


def episodes() -> list[_Episode]:
    """One per child on each contact whose standing decision is a census referral."""
    routes = _standing_routes()
    referrals = {
        contact_id for contact_id, route in routes.items() if route in CENSUS_REFERRAL_ROUTES
    }
    found: dict[int, _Episode] = {}
    for subject in ContactSubject.objects.filter(
        contact_id__in=referrals, role__in=ContactSubject.CHILD_ROLES
    ).select_related("contact"):
        found[subject.pk] = _Episode(
            subject.contact_id,
            subject.pk,
            subject.person_id,
            timezone.localtime(subject.contact.received_at).date(),
        )
    for event in DownstreamOutcome.objects.order_by("occurred_on", "pk"):
        if event.subject_id in found:
            found[event.subject_id].events.append(event)
    return list(found.values())


def _child_problems() -> list[str]:
    problems = []
    children = ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES)
    for pk, received_at, born, expected, ethnicity, disabilities in children.values_list(
        "pk",
        "contact__received_at",
        "date_of_birth",
        "expected_date_of_birth",
        "ethnicity",
        "disabilities",
    ):
        received_on = timezone.localtime(received_at).date()
        year = return_year_of(received_on)
        problems += _census_details(f"child subject {pk}", year, ethnicity, disabilities)
        if born and born > received_on:
            problems.append(f"child subject {pk}: born after the contact (8520)")
        if (born or expected) and (born or expected) - received_on > timedelta(days=280):
            problems.append(f"child subject {pk}: referred 40 weeks before birth (8606)")
    people = Person.objects.filter(appearances__role__in=ContactSubject.CHILD_ROLES).distinct()
    year = return_year_of(timezone.localdate())
    for pk, ethnicity, disabilities in people.values_list("pk", "ethnicity", "disabilities"):
        problems += _census_details(f"child person {pk}", year, ethnicity, disabilities)
    return problems


def _census_details(who: str, year: int, ethnicity: str, disabilities: list[str]) -> list[str]:
    problems = []
    if ethnicity and ethnicity not in _valid("ethnicity", year):
        problems.append(f"{who}: ethnicity {ethnicity} (4220)")
    if not disabilities or not set(disabilities) <= _valid("disability", year):
        problems.append(f"{who}: disabilities {disabilities} (8540)")
    if "NONE" in disabilities and len(disabilities) > 1:
        problems.append(f"{who}: NONE with a disability (8790)")
    if len(set(disabilities)) != len(disabilities):
        problems.append(f"{who}: a disability twice (8794)")
    return problems


def _episode_problems(episode: _Episode) -> list[str]:
    who = f"contact {episode.contact_id} child {episode.subject_id}"
    problems = []
    started, completed = episode.on(E.ASSESSMENT_STARTED), episode.on(E.ASSESSMENT_COMPLETED)
    s47s, conferences = episode.on(E.S47_ENQUIRY), episode.on(E.ICPC)
    not_required, closed = episode.on(E.ICPC_NOT_REQUIRED), episode.on(E.CASE_CLOSED)
    if len(started) > 1 or len(completed) > 1 or len(s47s) > 1 or len(closed) > 1:
        problems.append(f"{who}: more than one assessment, s47 or closure (8896/8839)")
    if any(day < episode.referral for day in started + s47s + conferences):
        problems.append(f"{who}: work before the referral (1103/2889/1104)")
    if started and completed and completed[0] < started[0]:
        problems.append(f"{who}: assessment completed before it started (8608)")
    if s47s and conferences and conferences[0] < s47s[0]:
        problems.append(f"{who}: conference before the s47 enquiry (8615)")
    for day in conferences:
        if day.weekday() >= 5 or not is_working_day(day):
            problems.append(f"{who}: conference on {day:%A %d %B %Y} (8875)")
    if conferences and not_required:
        problems.append(f"{who}: conference and ICPC not required both (8868)")
    for event in episode.events:
        year = return_year_of(event.occurred_on)
        if event.event == E.ASSESSMENT_COMPLETED:
            factors = event.factors
            if not factors or not set(factors) <= _valid("assessment_factor", year):
                problems.append(f"{who}: factors {factors} in {year} (8897Q/8950Q)")
            if "21" in factors and len(factors) > 1:
                problems.append(f"{who}: factor 21 with others (8869)")
            if len(set(factors)) != len(factors):
                problems.append(f"{who}: a factor twice (8898)")
            if event.occurred_on > add_working_days(episode.referral, 45) and not event.late_reason:
                problems.append(f"{who}: late assessment without a reason")
        if event.event == E.ICPC:
            held = [day for day in episode.on(E.STRATEGY_DISCUSSION) if day <= event.occurred_on]
            due = add_working_days(max(held), 15) if held else None
            if due and event.occurred_on > due and not event.late_reason:
                problems.append(f"{who}: late conference without a reason")
        if event.event == E.CASE_CLOSED:
            if event.reason_for_closure not in _valid("reason_for_closure", year):
                problems.append(f"{who}: reason for closure {event.reason_for_closure} (8640)")
            if event.reason_for_closure in ("RC8", "RC9") and (s47s or not started):
                problems.append(f"{who}: {event.reason_for_closure} with an s47 or no assessment")
    if closed:
        if any(e.occurred_on > closed[-1] for e in episode.events):
            problems.append(f"{who}: work after the case closed (8565)")
        if len(completed) < len(started):
            problems.append(f"{who}: closed with an assessment still open (8867)")
        if len(s47s) > len(conferences) + len(not_required):
            problems.append(f"{who}: closed with an s47 not ended (8868)")
    return problems


def census_problems() -> list[str]:
    """Every breach found: decisions, children's census details, each episode's work,
    and each child's episodes one after another (8815/8816/8820)."""
    problems = []
    for contact_id, received_at, need in Decision.objects.filter(
        route__in=CENSUS_REFERRAL_ROUTES
    ).values_list("contact_id", "contact__received_at", "primary_need"):
        year = return_year_of(timezone.localtime(received_at).date())
        if need not in _valid("primary_need", year):
            problems.append(f"contact {contact_id}: primary need '{need}' (8610/8650)")
    problems += _child_problems()
    by_child: dict[object, list[_Episode]] = defaultdict(list)
    for episode in episodes():
        problems += _episode_problems(episode)
        by_child[episode.person_id or f"subject {episode.subject_id}"].append(episode)
    for child, theirs in by_child.items():
        theirs.sort(key=lambda e: (e.referral, e.contact_id))
        for earlier, later in pairwise(theirs):
            if earlier.closed is None or earlier.closed > later.referral:
                problems.append(
                    f"person {child}: referral of {later.referral} while the case from "
                    f"{earlier.referral} is open (8815/8816/8820)"
                )
    return problems


def census_shares() -> dict[str, float]:
    """Figures to hold against England's: late assessments and conferences, episodes
    closed, children with a disability, ethnicity not obtained."""
    assessments = late_assessments = conferences = late_conferences = 0
    closed = 0
    found = episodes()
    for episode in found:
        closed += episode.closed is not None
        for event in episode.events:
            if event.event == E.ASSESSMENT_COMPLETED:
                assessments += 1
                late_assessments += bool(event.late_reason)
            elif event.event == E.ICPC:
                conferences += 1
                late_conferences += bool(event.late_reason)
    children = ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES)
    total = children.count()
    return {
        "episodes": len(found),
        "closed": closed / max(len(found), 1),
        "late_assessments": late_assessments / max(assessments, 1),
        "late_conferences": late_conferences / max(conferences, 1),
        "assessments": assessments,
        "conferences": conferences,
        "disabled": children.exclude(disabilities=["NONE"]).count() / max(total, 1),
        "not_obtained": children.filter(ethnicity="").count() / max(total, 1),
    }
