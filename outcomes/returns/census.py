"""Reads for the Children in Need census: the front door's part of a return year.

Who is in it: every child on a *referral* received in the census period — a contact
whose standing decision sends it to a social care assessment or a strategy discussion.
A contact passed to a child's allocated worker (``already_open``) is not a referral
in the DfE's sense (the child is already a child in need), so it is left out; the
scorecard counts it among referrals (ADR 0008), the census does not (ADR 0011).

What each child's episode holds comes from the records, as at the census reference
date (31 March): what social care sent back after that date is not in that year's
return. Anything the front door does not hold (CIN plans, child protection plans,
dates of death, former UPNs) is left out, as the schema allows; nothing is invented.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from frontdoor.census_codes import ETHNICITY_NOT_OBTAINED, census_period
from frontdoor.london import london_date, start_of
from frontdoor.replica import reporting_reads
from outcomes.deadlines import icpc_due, strategy_for_icpc
from outcomes.models import DownstreamOutcome
from outcomes.returns.codes import SEX_CODES
from outcomes.returns.return_referrals import referral_nfa_subject_ids
from referrals.models import Contact, ContactSubject, Sex
from screening.models import Decision, referral_q

Event = DownstreamOutcome.Event


@dataclass
class Assessment:
    started_on: date | None = None
    authorised_on: date | None = None
    factors: list[str] = field(default_factory=list)


@dataclass
class Section47:
    started_on: date
    icpc_target: date | None = None
    icpc_on: date | None = None
    icpc_not_required: bool = False


@dataclass
class Episode:
    """One referral of one child: the census's CINdetails."""

    contact_id: int
    subject_id: int
    referral_date: date
    referral_source: str
    primary_need: str
    closure_date: date | None = None
    reason_for_closure: str = ""
    assessments: list[Assessment] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    # Closed with nothing done (annex_a.referral_nfa_subject_ids: one rule for both returns).
    referral_nfa: bool = False


@dataclass
class CensusChild:
    child_id: str
    upn: str
    born_on: date | None
    expected_on: date | None
    sex: str
    ethnicity: str
    disabilities: list[str]
    episodes: list[Episode] = field(default_factory=list)


@dataclass
class CensusReturn:
    year: int
    reference_date: date
    children: list[CensusChild]

    @property
    def episode_count(self) -> int:
        return sum(len(child.episodes) for child in self.children)

    @property
    def contact_ids(self) -> list[int]:
        return sorted({e.contact_id for child in self.children for e in child.episodes})


def child_unique_id(subject: ContactSubject) -> str:
    """The child's id in every return (Annex A's Child Unique ID, the census LAchildID):
    the person's, so one child's referrals gather under one id."""
    return f"P{subject.person_id}" if subject.person_id else f"S{subject.pk}"


def _census_referrals(first_day: date, last_day: date) -> Iterator[Contact]:
    standing = Decision.objects.standing()
    return (
        Contact.objects.filter(
            received_at__gte=start_of(first_day),
            received_at__lt=start_of(last_day + timedelta(days=1)),
            erased_at__isnull=True,
        )
        # Withdrawn before any decision stood, so never a referral (docs/adr/0036);
        # said here too, as the census must never count one.
        .exclude(status=Contact.Status.WITHDRAWN)
        .annotate(
            census_route=standing.route_for(),
            census_primary_need=standing.latest_for("primary_need"),
        )
        .filter(referral_q("census_route", census=True))
        .select_related("referral_source")
        .order_by("received_at", "pk")
        .iterator(chunk_size=2000)
    )


def _events_by_subject(contact_ids: list[int], until: date) -> dict[int, list[DownstreamOutcome]]:
    events: dict[int, list[DownstreamOutcome]] = defaultdict(list)
    for chunk_start in range(0, len(contact_ids), 5000):
        rows = DownstreamOutcome.objects.filter(
            contact_id__in=contact_ids[chunk_start : chunk_start + 5000], occurred_on__lte=until
        ).order_by("occurred_on", "pk")
        for event in rows:
            events[event.subject_id].append(event)
    return events


def _assessments(events: Iterable[DownstreamOutcome]) -> list[Assessment]:
    """Each start is paired with the next completion; a completion sent without a start
    stays an assessment with no start date (the report then says so)."""
    assessments: list[Assessment] = []
    for event in events:
        if event.event == Event.ASSESSMENT_STARTED:
            assessments.append(Assessment(started_on=event.occurred_on))
        elif event.event == Event.ASSESSMENT_COMPLETED:
            open_ones = [a for a in assessments if a.authorised_on is None]
            assessment = open_ones[0] if open_ones else None
            if assessment is None:
                assessment = Assessment()
                assessments.append(assessment)
            assessment.authorised_on = event.occurred_on
            assessment.factors = list(event.factors)
    return assessments


def _section47s(events: list[DownstreamOutcome]) -> list[Section47]:
    enquiries: list[Section47] = []
    strategy_days = [e.occurred_on for e in events if e.event == Event.STRATEGY_DISCUSSION]
    for event in events:
        if event.event == Event.S47_ENQUIRY:
            strategy_on = strategy_for_icpc(strategy_days, event.occurred_on)
            target = icpc_due(strategy_on) if strategy_on else None
            enquiries.append(Section47(started_on=event.occurred_on, icpc_target=target))
        elif event.event in (Event.ICPC, Event.ICPC_NOT_REQUIRED):
            waiting = [s for s in enquiries if s.icpc_on is None and not s.icpc_not_required]
            if not waiting:
                continue
            if event.event == Event.ICPC:
                waiting[0].icpc_on = event.occurred_on
            else:
                waiting[0].icpc_not_required = True
    return enquiries


def _episode(contact: Contact, subject: ContactSubject, events: list[DownstreamOutcome]) -> Episode:
    episode = Episode(
        contact_id=contact.pk,
        subject_id=subject.pk,
        referral_date=london_date(contact.received_at),
        referral_source=contact.referral_source.code,
        primary_need=contact.census_primary_need or "",
        assessments=_assessments(events),
        section47s=_section47s(events),
    )
    closures = [e for e in events if e.event == Event.CASE_CLOSED]
    if closures:
        episode.closure_date = closures[-1].occurred_on
        episode.reason_for_closure = closures[-1].reason_for_closure
    return episode


def _child(subject: ContactSubject) -> CensusChild:
    person = subject.person
    born = (person.date_of_birth if person else None) or subject.date_of_birth
    expected = (
        None
        if born
        else ((person.expected_date_of_birth if person else None) or subject.expected_date_of_birth)
    )
    sex = person.sex if person and person.sex != Sex.UNKNOWN else subject.sex
    unborn = subject.role == ContactSubject.Role.UNBORN_CHILD or (born is None and expected)
    return CensusChild(
        child_id=child_unique_id(subject),
        upn=(person.unique_pupil_number if person else "") or subject.unique_pupil_number,
        born_on=born,
        expected_on=expected,
        # The census codes an unborn child's sex as not known, whatever a scan said.
        sex="U" if unborn else SEX_CODES.get(sex, "U"),
        ethnicity=(person.ethnicity if person else "")
        or subject.ethnicity
        or ETHNICITY_NOT_OBTAINED,
        disabilities=list((person.disabilities if person else None) or subject.disabilities),
    )


@reporting_reads()
def census_return(year: int) -> CensusReturn:
    """Every child referred in the return year, with their episodes as at 31 March."""
    first_day, last_day = census_period(year)
    contacts = {contact.pk: contact for contact in _census_referrals(first_day, last_day)}
    contact_ids = sorted(contacts)
    events = _events_by_subject(contact_ids, last_day)
    children: dict[str, CensusChild] = {}
    for chunk_start in range(0, len(contact_ids), 5000):
        subjects = (
            ContactSubject.objects.filter(
                contact_id__in=contact_ids[chunk_start : chunk_start + 5000],
                role__in=ContactSubject.CHILD_ROLES,
            )
            .select_related("person")
            .order_by("contact_id", "position", "pk")
        )
        for subject in subjects:
            key = child_unique_id(subject)
            child = children.get(key)
            # A baby referred before birth and again after: the later contact's date of
            # birth is what the front door knows now, so the return uses it.
            if child is None or (child.born_on is None and _child(subject).born_on):
                earlier = child.episodes if child else []
                child = children[key] = _child(subject)
                child.episodes = earlier
            child.episodes.append(
                _episode(contacts[subject.contact_id], subject, events.get(subject.pk, []))
            )
    episodes = [episode for child in children.values() for episode in child.episodes]
    nfa = set()
    for chunk_start in range(0, len(episodes), 5000):
        chunk = episodes[chunk_start : chunk_start + 5000]
        nfa |= referral_nfa_subject_ids([e.subject_id for e in chunk], last_day)
    for episode in episodes:
        episode.referral_nfa = episode.subject_id in nfa
    for child in children.values():
        child.episodes.sort(key=lambda episode: (episode.referral_date, episode.contact_id))
    ordered = sorted(children.values(), key=lambda child: child.episodes[0].referral_date)
    return CensusReturn(year=year, reference_date=last_day, children=ordered)
