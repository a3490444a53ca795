"""Ofsted's ILACS Annex A, List 1 (contacts) and List 3 (referrals), for any window of
at most six months: the rows, the window's rules and the files (the window's forms:
``annex_a_forms``; what counts as a referral, shared with the census:
``return_referrals``).

**List 1** has one row per child per contact received in the window: a contact about
three children is three rows. **List 3** has one row per child per *referral*
received in the window.

**A referral**, for the statutory returns (this list and the Children in Need
census), is a contact whose standing decision (the latest that needed no approval or
was approved, as recorded at the moment of the export) routes it to a social care
assessment or a strategy discussion. *Already open* is not one: the DfE counts a
referral as a request for services for a child who is not already open to children's
social care, and a contact about an open case goes to its allocated worker, not into
a new episode. (The scorecard counts already-open contacts as referrals, as
DOMAIN.md's route table does; the returns follow the DfE.) Advice given in a phone
consultation is an Information and Advice decision, so never a referral.

**Referral NFA?** is "Yes" when social care closed the case for that child on that
referral, with no assessment and no section 47 enquiry or conference recorded for
the child on it: :func:`referral_nfa_subject_ids`, the one rule the CIN census uses
too.

**Number of referrals in last 12 months** counts the same person's referrals received
on or after the same date a year before this one, up to and including this one (ADR
0008's "within 12 months"). A child not matched to a person record has no history
here, so counts 1.

Values carry Ofsted's prefixed labels from the code lists for the return year of the
contact's date (``CensusCode.annex_a_label``, ``ReferralSource.annex_a_label``), never
from literals here, so a new year's labels are a data change. The rows carry ids,
not names, and include restricted records: a statutory return counts every child.
The age of a child is in whole years on the date of the contact (List 1) or of the
referral (List 3). The front door does not hold the allocated team or worker, so
those List 3 cells are left empty for the case system's data to fill.

Cost: a fixed handful of queries whatever the window holds (the children in it, the
year before for the referral counts, the closures, and the label lists for at most
two return years); no query per row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from frontdoor.census_codes import ETHNICITY_NOT_OBTAINED, annex_a_labels, return_year_of
from frontdoor.london import london_date, months_before, one_year_before
from frontdoor.models import CensusCode, ReferralSource, User
from frontdoor.replica import reporting_reads
from frontdoor.roles import Permission
from outcomes.downloads import csv_bytes, xlsx_bytes
from outcomes.returns.codes import SEX_CODES
from outcomes.returns.return_referrals import (
    child_subjects_received,
    is_return_referral,
    referral_nfa_subject_ids,
)
from referrals.models import Sex
from referrals.services import UNKNOWN_SOURCE_CODE
from screening.models import referral_q

# The routes that make a contact a referral for the statutory returns (see above).

LIST_1_HEADER = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of Contact",
    "Contact Source",
)

LIST_3_HEADER = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
    "Allocated Team",
    "Allocated Worker",
)

LIST_1_SHEET = "List 1 Contacts"

LIST_3_SHEET = "List 3 Referrals"

# Ofsted's yes/no answer labels (not a census code list).
NFA_YES, NFA_NO = "a) Yes", "b) No"


def can_export_annex_a(user: User) -> bool:
    """Child-level lists: the people who may open the records behind the scorecard."""
    return user.is_authenticated and user.has_perm(Permission.VIEW_PERFORMANCE_RECORDS.perm)


# --- The window ------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """London dates, both inclusive."""

    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{_long_date(self.start)} to {_long_date(self.end)}"

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}-to-{self.end.isoformat()}"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _months_later(day: date, months: int) -> date:
    """The same day ``months`` on; a day the month lacks (31 April) is the 1st after."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    try:
        return date(year, month + 1, day.day)
    except ValueError:
        return date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)


def latest_end(start: date) -> date:
    """The last day of a six-month window starting on ``start`` (1 May → 31 October)."""
    return _months_later(start, 6) - timedelta(days=1)


def six_months_to(end: date) -> Window:
    """The longest window ending on ``end``: the six months up to and including it."""
    return Window(months_before(end, 6) + timedelta(days=1), end)


def six_months_before_inspection(inspection_date: date) -> Window:
    """The six months before the inspection date, up to the day before it."""
    return six_months_to(inspection_date - timedelta(days=1))


def window_problem(start: date, end: date) -> str:
    """Why these dates are not a window Annex A can be made for, or ""."""
    if end < start:
        return "The end date must be the same as or after the start date"
    if end > latest_end(start):
        return (
            "The window can be at most six months: for a start date of "
            f"{_long_date(start)} the end date must be {_long_date(latest_end(start))} "
            "or earlier"
        )
    if end > timezone.localdate() + timedelta(days=366):
        return "The end date must be within the next year"
    return ""


# --- The rows --------------------------------------------------------------------------


@dataclass
class _Child:
    """One child on one contact in the window, as the lists need it."""

    subject_id: int
    person_id: int | None
    contact_id: int
    reference: str
    received_at: datetime.datetime
    born: date | None
    sex: str
    ethnicity: str
    source_code: str
    source_label: str
    is_referral: bool

    @property
    def received_on(self) -> date:
        return london_date(self.received_at)

    @property
    def unique_id(self) -> str:
        # The person record when matched (the same id across contacts), else this child.
        return f"P{self.person_id}" if self.person_id else f"S{self.subject_id}"


_CHILD_FIELDS = (
    "pk",
    "person_id",
    "contact_id",
    "contact__reference",
    "contact__received_at",
    "contact__referral_source__code",
    "contact__referral_source__annex_a_label",
    "date_of_birth",
    "sex",
    "ethnicity",
    "person__date_of_birth",
    "person__sex",
    "person__ethnicity",
    "standing_route",
    "contact__pathway",
)


def _children(window: Window, as_at: datetime.datetime) -> list[_Child]:
    rows = (
        child_subjects_received(first_day=window.start, last_day=window.end, as_at=as_at)
        .order_by("contact__received_at", "contact_id", "position", "pk")
        .values_list(*_CHILD_FIELDS)
    )
    children = []
    for (
        pk,
        person_id,
        contact_id,
        reference,
        received_at,
        source_code,
        source_label,
        born,
        sex,
        ethnicity,
        person_born,
        person_sex,
        person_ethnicity,
        route,
        pathway,
    ) in rows.iterator(chunk_size=2000):
        children.append(
            _Child(
                subject_id=pk,
                person_id=person_id,
                contact_id=contact_id,
                reference=reference,
                received_at=received_at,
                # The person record is the front door's best knowledge of who the child
                # is; what this contact said fills the gaps.
                born=person_born or born,
                sex=person_sex if person_sex and person_sex != Sex.UNKNOWN else sex,
                # Ethnicity as given on this contact, else the person record's.
                ethnicity=ethnicity or person_ethnicity or "",
                source_code=source_code,
                source_label=source_label,
                is_referral=is_return_referral(route, pathway),
            )
        )
    return children


class _Labels:
    """Ofsted's labels by return year, read once per year the window touches."""

    def __init__(self) -> None:
        self._years: dict[int, tuple[dict[str, str], dict[str, str]]] = {}
        self._unknown_source: str | None = None

    def _for(self, day: date) -> tuple[dict[str, str], dict[str, str]]:
        year = return_year_of(day)
        if year not in self._years:
            self._years[year] = (
                annex_a_labels(CensusCode.CodeList.SEX, year),
                annex_a_labels(CensusCode.CodeList.ETHNICITY, year),
            )
        return self._years[year]

    def sex(self, sex: str, day: date) -> str:
        labels = self._for(day)[0]
        unknown = labels.get(SEX_CODES[Sex.UNKNOWN], "")
        return labels.get(SEX_CODES.get(sex, SEX_CODES[Sex.UNKNOWN]), unknown)

    def ethnicity(self, code: str, day: date) -> str:
        labels = self._for(day)[1]
        # Blank, or a code the year's list does not have: "not yet obtained".
        return labels.get(code) or labels.get(ETHNICITY_NOT_OBTAINED, "")

    def source(self, child: _Child) -> str:
        # A source without an Annex A label is written as Ofsted's "unknown".
        if child.source_label:
            return child.source_label
        if self._unknown_source is None:
            self._unknown_source = (
                ReferralSource.objects.filter(code=UNKNOWN_SOURCE_CODE)
                .values_list("annex_a_label", flat=True)
                .first()
                or ""
            )
        return self._unknown_source


def _age(born: date | None, on: date) -> int | None:
    if born is None or born > on:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _child_values(child: _Child, labels: _Labels) -> list:
    day = child.received_on
    return [
        child.unique_id,
        labels.sex(child.sex, day),
        labels.ethnicity(child.ethnicity, day),
        child.born.strftime("%d/%m/%Y") if child.born else "",
        _age(child.born, day),
        day.strftime("%d/%m/%Y"),
        labels.source(child),
    ]


def _referral_counts(
    referrals: list[_Child], window: Window, as_at: datetime.datetime
) -> dict[int, int]:
    """Subject id → the person's referrals in the 12 months up to and including this
    one. Earlier referrals before the window are read in one query."""
    people = {child.person_id for child in referrals if child.person_id}
    history: dict[int, set[tuple[datetime.datetime, int]]] = defaultdict(set)
    for child in referrals:
        if child.person_id:
            history[child.person_id].add((child.received_at, child.contact_id))
    if people:
        earlier = (
            child_subjects_received(
                first_day=one_year_before(window.start),
                last_day=window.start - timedelta(days=1),
                as_at=as_at,
            )
            .filter(person_id__in=people)
            .filter(referral_q("standing_route", "contact", census=True))
            .values_list("person_id", "contact__received_at", "contact_id")
        )
        for person_id, received_at, contact_id in earlier:
            history[person_id].add((received_at, contact_id))

    counts = {}
    for child in referrals:
        if not child.person_id:
            counts[child.subject_id] = 1
            continue
        this = (child.received_at, child.contact_id)
        since = one_year_before(child.received_on)
        counts[child.subject_id] = sum(
            1
            for received_at, contact_id in history[child.person_id]
            if (received_at, contact_id) <= this and london_date(received_at) >= since
        )
    return counts


@dataclass(frozen=True)
class AnnexA:
    window: Window
    as_at: datetime.datetime
    contacts: list[list]  # List 1 rows
    referrals: list[list]  # List 3 rows
    contact_references: tuple[str, ...]  # the contacts behind List 1, in order
    referral_references: tuple[str, ...]  # the contacts behind List 3


def _unique(references: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(references))


@reporting_reads()
def annex_a_lists(*, user: User, window: Window, as_at: datetime.datetime) -> AnnexA:
    """Lists 1 and 3 for the window, as recorded at ``as_at``."""
    if not can_export_annex_a(user):
        raise PermissionDenied
    labels = _Labels()
    children = _children(window, as_at)
    referrals = [child for child in children if child.is_referral]
    nfa = referral_nfa_subject_ids((child.subject_id for child in referrals), window.end)
    counts = _referral_counts(referrals, window, as_at)
    contact_rows = [_child_values(child, labels) for child in children]
    referral_rows = [
        [
            *_child_values(child, labels),
            NFA_YES if child.subject_id in nfa else NFA_NO,
            counts[child.subject_id],
            None,  # allocated team: held by the case system, not the front door
            None,  # allocated worker: likewise
        ]
        for child in referrals
    ]
    return AnnexA(
        window=window,
        as_at=as_at,
        contacts=contact_rows,
        referrals=referral_rows,
        contact_references=_unique(child.reference for child in children),
        referral_references=_unique(child.reference for child in referrals),
    )


# --- The files -------------------------------------------------------------------------


def annex_a_csv(annex: AnnexA, list_number: int) -> bytes:
    if list_number == 3:
        return csv_bytes(LIST_3_HEADER, annex.referrals)
    return csv_bytes(LIST_1_HEADER, annex.contacts)


def annex_a_xlsx(annex: AnnexA) -> bytes:
    return xlsx_bytes(
        [
            (LIST_1_SHEET, LIST_1_HEADER, annex.contacts),
            (LIST_3_SHEET, LIST_3_HEADER, annex.referrals),
        ]
    )
