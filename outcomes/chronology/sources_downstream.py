"""Chronology sources for what follows a screening decision: downstream outcomes
(assessments, section 47, plans, closure), notices to referrers and families, and
restrictions. Split from ``sources.py``; registered after its streams (selectors
imports this module next), so the filters keep their order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from django.db.models import (
    DateTimeField,
    Exists,
    OuterRef,
    Q,
)
from django.db.models.functions import Cast
from django.urls import reverse

from frontdoor.models import CensusCode, User
from frontdoor.roles import Permission
from outcomes.chronology.entries import Entry, EntryKey, Stream, source
from outcomes.chronology.sources import contact_links, ids_of, name_of, on_contacts_of, rows_at
from outcomes.models import DownstreamOutcome, Notice
from referrals.models import Person, Restriction


@source(kind="outcomes", label="After a referral: assessments, section 47, plans, closure")
def outcomes(person: Person) -> list[Stream]:
    events = DownstreamOutcome.objects.filter(subject__person=person)
    # A day, not a moment: midnight of it sorts it before that day's other entries
    # when newest come first, and a date range takes it by its own day.
    return [
        Stream(
            "outcome",
            rows_at(events, Cast("occurred_on", DateTimeField())),
            _load_outcomes,
        )
    ]


def _census_labels(codes: set[str]) -> dict[tuple[str, str], str]:
    """Words for census codes: the latest label of each (a code keeps its meaning)."""
    if not codes:
        return {}
    lists = [CensusCode.CodeList.ASSESSMENT_FACTOR, CensusCode.CodeList.REASON_FOR_CLOSURE]
    labels = {}
    for code in CensusCode.objects.filter(code_list__in=lists, code__in=codes).order_by(
        "first_year"
    ):
        labels[(code.code_list, code.code)] = f"{code.code}: {code.label}"
    return labels


def _load_outcomes(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    rows = list(
        DownstreamOutcome.objects.filter(pk__in=ids_of(keys, "outcome")).select_related(
            "contact", "recorded_by"
        )
    )
    labels = _census_labels(
        {code for row in rows for code in (*row.factors, row.reason_for_closure) if code}
    )
    factor, closure = CensusCode.CodeList.ASSESSMENT_FACTOR, CensusCode.CodeList.REASON_FOR_CLOSURE
    found = {}
    for outcome in rows:
        details = [("Recorded", outcome.get_source_display())]
        if outcome.assessment_outcome:
            details.insert(
                0, ("Outcome of the assessment", outcome.get_assessment_outcome_display())
            )
        if outcome.factors:
            words = "; ".join(labels.get((factor, code), code) for code in outcome.factors)
            details.append(("Factors identified", words))
        if outcome.reason_for_closure:
            details.append(
                (
                    "Reason for closure",
                    labels.get((closure, outcome.reason_for_closure), outcome.reason_for_closure),
                )
            )
        contact = outcome.contact
        found[("outcome", outcome.pk)] = Entry(
            event="outcome",
            row_id=outcome.pk,
            at=_midnight(outcome.occurred_on),
            on=outcome.occurred_on,
            title=outcome.get_event_display(),
            by=name_of(outcome.recorded_by),
            details=details,
            text=[("Why it was late", outcome.late_reason)] if outcome.late_reason else [],
            contact_id=contact.pk,
            reference=contact.reference,
            links=contact_links(
                user, contact, ("What happened after the referral", "outcomes:contact-outcomes")
            ),
        )
    return found


def _midnight(day: date) -> datetime:
    """The ``at`` the database gives a day (cast in the session's time zone, UTC)."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


# --- Notices ----------------------------------------------------------------------------


@source(kind="notices", label="Notices to referrers, families and schools")
def notices(person: Person) -> list[Stream]:
    sent = Notice.objects.filter(on_contacts_of(person))
    return [Stream("notice", rows_at(sent, "created_at"), _load_notices)]


def _load_notices(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    rows = Notice.objects.filter(pk__in=ids_of(keys, "notice")).select_related(
        "contact", "requested_by"
    )
    for notice in rows:
        contact = notice.contact
        audience = {
            Notice.Audience.FAMILY: "the family",
            Notice.Audience.SCHOOL: "the child's school",
        }.get(notice.audience, "the referrer")
        details = [
            ("Sent by", notice.get_channel_display()),
            ("Status", notice.get_status_display()),
        ]
        if notice.sent_at is not None:
            details.append(("Sent", f"{notice.sent_at:%-d %B %Y}"))
        if notice.resend_of_id is not None:
            asked_by = name_of(notice.requested_by) or "a manager"
            details.append(("Resent", f"Asked for by {asked_by}"))
        found[("notice", notice.pk)] = Entry(
            event="notice",
            row_id=notice.pk,
            at=notice.created_at,
            title=f"{notice.get_kind_display()}: notice to {audience}",
            details=details,
            contact_id=contact.pk,
            reference=contact.reference,
            links=contact_links(
                user, contact, ("Notices about the contact", "outcomes:contact-notices")
            ),
        )
    return found


# --- Restrictions -----------------------------------------------------------------------


@source(kind="restrictions", label="Restrictions")
def restrictions(person: Person) -> list[Stream]:
    made = Restriction.objects.filter(Q(person=person) | on_contacts_of(person))
    lifted = made.filter(lifted_at__isnull=False)
    return [
        Stream("restricted", rows_at(made, "created_at"), _load_restrictions),
        Stream("restriction-lifted", rows_at(lifted, "lifted_at"), _load_restrictions),
    ]


def _load_restrictions(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    named = Restriction.objects.filter(pk=OuterRef("pk")).filter(
        Q(ask=user) | Q(created_by=user) | Q(allowed=user)
    )
    rows = (
        Restriction.objects.filter(pk__in=ids_of(keys, "restricted", "restriction-lifted"))
        .select_related("contact", "ask", "created_by", "lifted_by")
        .annotate(names_viewer=Exists(named))
    )
    may_review = user.has_perm(Permission.APPROVE_DECISIONS.perm)
    found = {}
    for restriction in rows:
        contact = restriction.contact
        what = f"Contact {contact.reference}" if contact else "This person's record"
        links = []
        if may_review and restriction.lifted_at is None:
            links.append(("Restricted records", reverse("referrals:restrictions")))
        common = {
            "row_id": restriction.pk,
            "contact_id": contact.pk if contact else None,
            "reference": contact.reference if contact else "",
        }
        # Why a record was restricted is for those named on it.
        reason = [("Why", restriction.reason)] if restriction.names_viewer else []
        if ("restricted", restriction.pk) in keys:
            found[("restricted", restriction.pk)] = Entry(
                event="restricted",
                at=restriction.created_at,
                title=f"{what} restricted",
                by=name_of(restriction.created_by),
                details=[
                    ("Whom to ask", name_of(restriction.ask)),
                    ("Review due", f"{restriction.review_due:%-d %B %Y}"),
                ],
                text=reason,
                links=links,
                **common,
            )
        if ("restriction-lifted", restriction.pk) in keys:
            lifted_text = list(reason)
            if restriction.lift_reason:
                lifted_text.append(("Why it was lifted", restriction.lift_reason))
            found[("restriction-lifted", restriction.pk)] = Entry(
                event="restriction-lifted",
                at=restriction.lifted_at,
                title=f"Restriction lifted: {what[0].lower()}{what[1:]}",
                by=name_of(restriction.lifted_by),
                text=lifted_text,
                **common,
            )
    return found
