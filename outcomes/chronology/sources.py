"""One function per kind of chronology entry (see ``entries`` for the contract).

To add a kind (warnings set and ended, relationships, the child's voice): write one
function here decorated with ``@source(kind=…, label=…)`` returning its streams, and
a loader that words a page of its rows in one query. The selector, the filters, the
page, the print and the PDF pick it up; the tests in tests/outcomes/test_chronology.py
that walk every kind (``every kind appears worded``) will ask for it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse

from frontdoor.models import CensusCode, User
from frontdoor.roles import Permission
from outcomes.chronology.entries import Entry, EntryKey, Stream, source
from outcomes.models import DownstreamOutcome, Notice
from referrals.models import Contact, ContactSubject, Person, Restriction
from referrals.selectors import can_screen
from screening.models import AgencyCheck, ComplexCaseEntry, Decision


class _OnContactsOf(Func):
    """``contact_id = ANY(ARRAY(<the contacts the person is on>))``. As ``contact_id IN
    (subquery)`` PostgreSQL joined each stream to the person's appearances, reading them
    again for every stream, and scanned every agency check (110 ms for a child on 324
    contacts); as an array the subquery runs once per stream, ahead of it, and each
    table's index on ``contact_id`` answers the rest (30 ms)."""

    arg_joiner = " = ANY(ARRAY"
    template = "(%(expressions)s))"
    output_field = BooleanField()

    def __init__(self, person: Person):
        appearances = ContactSubject.objects.filter(person=person).order_by().values("contact_id")
        super().__init__(F("contact_id"), Subquery(appearances))


def _on_contacts_of(person: Person) -> Q:
    """The rows of any table with a ``contact_id`` about the contacts this person is on,
    in whatever role."""
    return Q(_OnContactsOf(person))


def rows_at(queryset: QuerySet, at) -> QuerySet:
    return queryset.annotate(chron_at=F(at) if isinstance(at, str) else at, chron_id=F("pk"))


def ids_of(keys: Sequence[EntryKey], *events: str) -> list[int]:
    return [row_id for event, row_id in keys if event in events]


def name_of(user: User | None) -> str:
    return user.full_name if user is not None else ""


def _contact_links(user: User, contact: Contact, *extra: tuple[str, str]) -> list:
    """Links to the contact's own pages, for those who may open them (the contact's
    restriction is applied later, to every entry of it, by the selector)."""
    if not can_screen(user):
        return []
    links = [
        (
            f"Contact {contact.reference}",
            reverse("referrals:contact-detail", args=[contact.reference]),
        )
    ]
    return links + [(words, reverse(name, args=[contact.reference])) for words, name in extra]


# --- Contacts ---------------------------------------------------------------------------


@source(kind="contacts", label="Contacts")
def contacts(person: Person) -> list[Stream]:
    appearances = ContactSubject.objects.filter(person=person)
    # An expression no index matches, so PostgreSQL reads this person's appearances and
    # sorts them; by the column itself it walked every contact newest first looking for
    # a child on hundreds (200 ms at 100,000 contacts, bench/results/2026-11-30.md).
    received = ExpressionWrapper(
        F("contact__received_at") + Value(timedelta(0)), output_field=DateTimeField()
    )
    return [Stream("contact", rows_at(appearances, received), _load_contacts)]


def _load_contacts(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    subjects = ContactSubject.objects.filter(pk__in=ids_of(keys, "contact")).select_related(
        "contact__referral_source", "contact__source_agency"
    )
    for subject in subjects:
        contact = subject.contact
        role = subject.get_role_display().lower()
        details = [
            ("Their role on it", subject.get_role_display()),
            ("How it came in", contact.get_channel_display()),
            ("Source", contact.referral_source.label),
            ("Worries", ", ".join(contact.concern_category_labels)),
            ("How soon", contact.get_urgency_display()),
            ("Status", contact.get_status_display()),
        ]
        if contact.source_agency is not None:
            details.insert(3, ("Agency", contact.source_agency.name))
        if subject.relationship_to_children:
            details.insert(1, ("Relationship to the children", subject.relationship_to_children))
        text = child_voice_text(subject)
        if contact.advice_only:
            details.append(("Outcome", "Ended as information and advice during the call"))
            if contact.advice_given:
                text.append(("Advice given in the call", contact.advice_given))
        if contact.erased_at is not None:
            details.append(("Personal details", "Erased under the retention policy"))
        found[("contact", subject.pk)] = Entry(
            event="contact",
            row_id=subject.pk,
            at=contact.received_at,
            title=f"Contact received, about them as {'an' if role[0] in 'aeiou' else 'a'} {role}",
            by=contact.referrer_organisation
            or (contact.source_agency.name if contact.source_agency else ""),
            details=details,
            text=text,
            contact_id=contact.pk,
            reference=contact.reference,
            links=_contact_links(user, contact),
        )
    return found


def child_voice_text(subject: ContactSubject) -> list[tuple[str, str]]:
    """The child's voice as the referrer gave it, in words."""
    if subject.child_seen is None:
        return []
    if not subject.child_seen:
        return [("The child's voice", f"Not seen or spoken to: {subject.child_not_seen_reason}")]
    seen = f"Seen or spoken to by {subject.child_seen_by}"
    if subject.child_seen_on is not None:
        seen += f" on {subject.child_seen_on:%-d %B %Y}"
    said = [("What the child said", subject.child_said)] if subject.child_said else []
    return [("The child's voice", seen), *said]


# --- Decisions --------------------------------------------------------------------------


@source(kind="decisions", label="Decisions")
def decisions(person: Person) -> list[Stream]:
    made = Decision.objects.filter(_on_contacts_of(person))
    answered = made.filter(
        approval__in=[Decision.Approval.APPROVED, Decision.Approval.RETURNED],
        approval_at__isnull=False,
    )
    return [
        Stream("decision", rows_at(made, "decided_at"), _load_decisions),
        Stream("decision-approval", rows_at(answered, "approval_at"), _load_decisions),
    ]


def _load_decisions(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    rows = Decision.objects.filter(
        pk__in=ids_of(keys, "decision", "decision-approval")
    ).select_related("contact", "threshold_level", "decided_by", "approved_by", "supersedes")
    for decision in rows:
        contact = decision.contact
        links = _contact_links(user, contact, ("Screening of the contact", "screening:contact"))
        if ("decision", decision.pk) in keys:
            details = [
                ("Route", decision.get_route_display()),
                (
                    "Threshold",
                    f"Level {decision.threshold_level.number}: {decision.threshold_level.name}",
                ),
                ("Approval", decision.get_approval_display()),
                ("The family", decision.get_family_notice_display()),
            ]
            if decision.supersedes is not None:
                details.append(
                    (
                        "Replaces",
                        f"The decision of {decision.supersedes.decided_at:%-d %B %Y, %H:%M}",
                    )
                )
            if decision.is_re_referral:
                details.append(("Re-referral", "Yes: a referral in the 12 months before"))
            text = [("Rationale", decision.rationale)]
            if decision.withhold_reason:
                text.append(("Why the family is not told", decision.withhold_reason))
            if decision.is_complex:
                text.append(("Why it is a complex case", decision.complex_reason))
            if decision.advice_given:
                text.append(("Advice given", decision.advice_given))
                if decision.advice_given_to:
                    details.append(("Advice given to", decision.advice_given_to_display))
            found[("decision", decision.pk)] = Entry(
                event="decision",
                row_id=decision.pk,
                at=decision.decided_at,
                title=f"Decision: {decision.get_route_display()}",
                by=name_of(decision.decided_by),
                details=details,
                text=text,
                contact_id=contact.pk,
                reference=contact.reference,
                links=links,
            )
        if ("decision-approval", decision.pk) in keys:
            approved = decision.approval == Decision.Approval.APPROVED
            found[("decision-approval", decision.pk)] = Entry(
                event="decision-approval",
                row_id=decision.pk,
                at=decision.approval_at,
                title=(
                    f"Decision approved: {decision.get_route_display()}"
                    if approved
                    else f"Decision returned to the screener: {decision.get_route_display()}"
                ),
                by=name_of(decision.approved_by),
                details=[("Decided by", name_of(decision.decided_by))],
                text=[("Manager's comment", decision.approval_comment)]
                if decision.approval_comment
                else [],
                contact_id=contact.pk,
                reference=contact.reference,
                links=links,
            )
    return found


# --- Multi-agency checks ----------------------------------------------------------------


@source(kind="checks", label="Multi-agency checks")
def checks(person: Person) -> list[Stream]:
    asked = AgencyCheck.objects.filter(_on_contacts_of(person))
    answered = asked.filter(answered_at__isnull=False)
    return [
        Stream("check-asked", rows_at(asked, "requested_at"), _load_checks),
        Stream("check-answered", rows_at(answered, "answered_at"), _load_checks),
    ]


def _load_checks(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    rows = AgencyCheck.objects.filter(
        pk__in=ids_of(keys, "check-asked", "check-answered")
    ).select_related("contact", "agency", "requested_by", "answered_by")
    for check in rows:
        contact = check.contact
        links = _contact_links(user, contact, ("Screening of the contact", "screening:contact"))
        common = {
            "row_id": check.pk,
            "contact_id": contact.pk,
            "reference": contact.reference,
            "links": links,
        }
        if ("check-asked", check.pk) in keys:
            found[("check-asked", check.pk)] = Entry(
                event="check-asked",
                at=check.requested_at,
                title=f"Check asked of {check.agency.name}",
                by=name_of(check.requested_by),
                details=[("Status", check.get_status_display())],
                text=[("Question", check.question)],
                **common,
            )
        if ("check-answered", check.pk) in keys:
            found[("check-answered", check.pk)] = Entry(
                event="check-answered",
                at=check.answered_at,
                title=f"Check answered by {check.agency.name}",
                by=name_of(check.answered_by),
                text=[("Question", check.question), ("Answer", check.response)],
                **common,
            )
    return found


# --- Complex-case meetings --------------------------------------------------------------


@source(kind="meetings", label="Complex-case meetings")
def meetings(person: Person) -> list[Stream]:
    discussed = ComplexCaseEntry.objects.filter(
        _on_contacts_of(person), recorded_at__isnull=False
    ).exclude(outcome=ComplexCaseEntry.Outcome.PENDING)
    return [Stream("meeting-outcome", rows_at(discussed, "recorded_at"), _load_meetings)]


def _load_meetings(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    rows = ComplexCaseEntry.objects.filter(pk__in=ids_of(keys, "meeting-outcome")).select_related(
        "contact", "run", "recorded_by"
    )
    for case in rows:
        run = case.run
        meeting = f"{run.meeting_date:%-d %B %Y}, {run.slot:%H:%M}"
        links = _contact_links(user, case.contact)
        if can_screen(user):
            links.append((f"Meeting of {meeting}", reverse("screening:meeting", args=[run.pk])))
        text = [("Actions", case.actions)] if case.actions else []
        if case.owners:
            text.append(("Who will do them", case.owners))
        found[("meeting-outcome", case.pk)] = Entry(
            event="meeting-outcome",
            row_id=case.pk,
            at=case.recorded_at,
            title=f"Complex-case meeting: {case.get_outcome_display().lower()}",
            by=name_of(case.recorded_by),
            details=[("Meeting", meeting)],
            text=text,
            contact_id=case.contact_id,
            reference=case.contact.reference,
            links=links,
        )
    return found


# --- Downstream outcomes ----------------------------------------------------------------


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
            links=_contact_links(
                user, contact, ("What happened after the referral", "outcomes:contact-outcomes")
            ),
        )
    return found


def _midnight(day: date) -> datetime:
    """The ``at`` the database gives a day (cast in the session's time zone, UTC)."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


# --- Notices ----------------------------------------------------------------------------


@source(kind="notices", label="Notices to referrers and families")
def notices(person: Person) -> list[Stream]:
    sent = Notice.objects.filter(_on_contacts_of(person))
    return [Stream("notice", rows_at(sent, "created_at"), _load_notices)]


def _load_notices(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    rows = Notice.objects.filter(pk__in=ids_of(keys, "notice")).select_related(
        "contact", "requested_by"
    )
    for notice in rows:
        contact = notice.contact
        audience = "the family" if notice.audience == Notice.Audience.FAMILY else "the referrer"
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
            links=_contact_links(
                user, contact, ("Notices about the contact", "outcomes:contact-notices")
            ),
        )
    return found


# --- Restrictions -----------------------------------------------------------------------


@source(kind="restrictions", label="Restrictions")
def restrictions(person: Person) -> list[Stream]:
    made = Restriction.objects.filter(Q(person=person) | _on_contacts_of(person))
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
