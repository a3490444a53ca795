"""The queries behind the scorecard's narrower load of facts (``load_facts(linked_only=
True)``, docs/adr/0049): a span's own contacts and only what its figures read of the
year before, and for a figure's drill-down only what that figure reads (``Needs``).

Each list of contacts is its own SELECT under one UNION (or its own query), so
PostgreSQL reads each by its own index: under OR it reads whole tables, a second or
more at a million contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from frontdoor.london import one_year_before, start_of
from outcomes.models import DownstreamOutcome
from referrals.models import Contact, ContactSubject
from screening.models import Decision

NO_AGENCY = "none"  # an agency key: the public and anonymous (no source agency)


@dataclass(frozen=True)
class Needs:
    """What of the facts the figures asked for read. Everything (the default) for a
    scorecard; a figure's drill-down loads only what its own figure reads
    (``measures.needs_of``), and for one agency only its agency's contacts (``agency``:
    an agency's id, or ``NO_AGENCY``), with, for re-referrals, every contact about its
    children in the span and the year before, whichever agency sent it."""

    children: bool = True  # the children on each contact
    lookback: bool = True  # the year before's contacts about the span's children
    decided: bool = True  # the year before's contacts decided in the span
    notices: bool = True  # schools' notices due in the span
    outcomes: bool = True  # downstream outcomes, and the contacts they are on
    checks: bool = True  # multi-agency checks asked in the span
    came_back: bool = True  # which children came back in the year after
    agency: str = ""  # "": every agency's contacts


EVERYTHING = Needs()
NOTHING_MORE = Needs(
    children=False,
    lookback=False,
    decided=False,
    notices=False,
    outcomes=False,
    checks=False,
    came_back=False,
)


# Filters: a row's contact is one of a list of ids, as one array parameter however
# many (not a placeholder each), whose size PostgreSQL sees when it plans (``IN
# (SELECT unnest(...))`` it takes for 200 rows, and may then read a table whole).
def id_array(ids) -> str:
    """Ids as one PostgreSQL array literal (``{1,2,3}``, cast to bigint[] in the SQL):
    a few milliseconds for tens of thousands, where a list is dumped id by id."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


def subjects_of(ids: list[int]) -> RawSQL:
    return RawSQL(
        '"referrals_contactsubject"."contact_id" = ANY(%s::bigint[])',
        (id_array(ids),),
        output_field=BooleanField(),
    )


def contacts_in(ids: list[int]) -> RawSQL:
    return RawSQL(
        '"referrals_contact"."id" = ANY(%s::bigint[])',
        (id_array(ids),),
        output_field=BooleanField(),
    )


def notices_in(ids: list[int]) -> RawSQL:
    return RawSQL(
        '"outcomes_notice"."id" = ANY(%s::bigint[])', (id_array(ids),), output_field=BooleanField()
    )


def outcomes_on(ids: list[int]) -> RawSQL:
    return RawSQL(
        '"outcomes_downstreamoutcome"."contact_id" = ANY(%s::bigint[])',
        (id_array(ids),),
        output_field=BooleanField(),
    )


def agency_q(agency: str, prefix: str = "") -> Q:
    """Contacts from this source agency (``prefix``: the path to the contact)."""
    if not agency:
        return Q()
    if agency == NO_AGENCY:
        return Q(**{f"{prefix}source_agency__isnull": True})
    return Q(**{f"{prefix}source_agency_id": int(agency)})


def linked_ids(start: date, end: date, window_start: datetime, extra_ids: set[int], needs: Needs):
    """The ids of the contacts a span's figures read (``linked_only``): those received
    in it, and of the year before, those about a child (a person record) on one of
    them (re-referrals look back at them) or decided in the span (route share); and
    ``extra_ids``; each as ``needs`` asks. (A school's notice due in the span carries
    what its figure reads of its contact: its contact is not loaded for it.)"""
    span = {"gte": start_of(start), "lt": start_of(end)}
    before = {"contact__received_at__gte": window_start, "contact__received_at__lt": span["gte"]}
    theirs = agency_q(needs.agency, "contact__")
    received = Contact.objects.filter(
        agency_q(needs.agency), received_at__gte=span["gte"], received_at__lt=span["lt"]
    )
    union = [
        Contact.objects.filter(
            agency_q(needs.agency),
            pk__in=RawSQL("SELECT unnest(%s::bigint[])", (id_array(extra_ids),)),
        ).values("pk")
    ]
    if needs.lookback:
        span_persons = ContactSubject.objects.filter(
            theirs,
            contact__received_at__gte=span["gte"],
            contact__received_at__lt=span["lt"],
            role__in=ContactSubject.CHILD_ROLES,
            person__isnull=False,
        ).values("person_id")
        # Every agency's: a child's history is all of it. For one agency's contacts,
        # its children's contacts from others in the span too (those are not loaded).
        until = span["lt"] if needs.agency else span["gte"]
        union.append(
            ContactSubject.objects.filter(
                person_id__in=span_persons,
                role__in=ContactSubject.CHILD_ROLES,
                contact__received_at__gte=window_start,
                contact__received_at__lt=until,
            ).values("contact_id")
        )
    if needs.decided:
        union.append(
            Decision.objects.filter(
                theirs, decided_at__gte=span["gte"], decided_at__lt=span["lt"], **before
            ).values("contact_id")
        )
    return received.values("pk").union(*union, all=True)


_FIELDS = (
    "contact_id",
    "subject_id",
    "event",
    "occurred_on",
    "assessment_outcome",
    "contact__received_at",
    "pk",
)


def outcome_rows(
    start: date, end: date, as_at: datetime, linked_only: bool, needs: Needs = EVERYTHING
) -> list[tuple]:
    """(contact, child, event, day, assessment outcome, contact received at) of the
    downstream outcomes a span's figures read, each child's in order of the day (then
    as recorded): those on contacts received from a year before ``start`` up to
    ``end``, or in that time; ``linked_only``, only those on the span's own contacts,
    or on a contact with an outcome in the span (whose earlier ones decide which is
    its first): no others reach its figures."""
    if not needs.outcomes:
        return []
    window_start = start_of(one_year_before(start))
    window_end = start_of(end)
    recorded = DownstreamOutcome.objects.filter(
        agency_q(needs.agency, "contact__"), recorded_at__lte=as_at
    )
    counted = recorded.filter(
        Q(contact__received_at__gte=window_start, contact__received_at__lt=window_end)
        | Q(occurred_on__gte=one_year_before(start), occurred_on__lt=end)
    )
    if not linked_only:
        counted = counted.order_by("contact_id", "occurred_on", "pk")
        return [row[:6] for row in counted.values_list(*_FIELDS)]
    # Two queries, each by its own index (under OR, PostgreSQL reads both tables whole):
    # these, then those on the span's own contacts once they are loaded (own_outcomes).
    in_span = counted.filter(
        contact_id__in=recorded.filter(occurred_on__gte=start, occurred_on__lt=end).values(
            "contact_id"
        )
    )
    return list(in_span.values_list(*_FIELDS))


def own_outcomes(rows: list[tuple], own_ids: list[int], as_at: datetime) -> list[tuple]:
    """``rows`` (``outcome_rows``, linked only) with the outcomes on the span's own
    contacts (``own_ids``, as loaded), in ``outcome_rows``' order: looked up by the
    contacts' ids, which PostgreSQL reads by index (by their dates it may read every
    outcome)."""
    own = (
        DownstreamOutcome.objects.filter(outcomes_on(own_ids), recorded_at__lte=as_at)
        .order_by()
        .values_list(*_FIELDS)
    )
    merged = {row[6]: row for part in (rows, own) for row in part}
    return [row[:6] for row in sorted(merged.values(), key=lambda row: (row[0], row[3], row[6]))]
