"""One function per kind of chronology entry (see ``entries`` for the contract).

To add a kind (warnings set and ended, relationships, the child's voice): write one
function here decorated with ``@source(kind=…, label=…)`` returning its streams, and
a loader that words a page of its rows in one query. The selector, the filters, the
page, the print and the PDF pick it up; the tests in tests/outcomes/test_chronology.py
that walk every kind (``every kind appears worded``) will ask for it too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.urls import get_script_prefix, get_urlconf, reverse

from frontdoor.models import User
from outcomes.chronology.entries import Entry, EntryKey, Stream, source
from referrals.models import Contact, ContactSubject, Person
from referrals.selectors import can_screen
from screening.models import AgencyCheck, ComplexCaseEntry, Decision, SharingBasis


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


def on_contacts_of(person: Person) -> Q:
    """The rows of any table with a ``contact_id`` about the contacts this person is on,
    in whatever role."""
    return Q(_OnContactsOf(person))


def rows_at(queryset: QuerySet, at) -> QuerySet:
    return queryset.annotate(chron_at=F(at) if isinstance(at, str) else at, chron_id=F("pk"))


def ids_of(keys: Sequence[EntryKey], *events: str) -> list[int]:
    return [row_id for event, row_id in keys if event in events]


def name_of(user: User | None) -> str:
    return user.full_name if user is not None else ""


# Stands for the reference in a contact page's URL, reversed once (``contact_url``).
_REFERENCE = "~reference~"
_PLAIN_REFERENCE = re.compile(r"^[A-Za-z0-9-]+$")


@lru_cache(maxsize=64)
def _contact_url_pattern(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, args=[_REFERENCE], urlconf=urlconf)


def contact_url(name: str, reference: str) -> str:
    """``reverse(name, args=[reference])``, the pattern reversed once per URL name: a
    page of fifty entries had a hundred URLs reversed, each as dear as wording it."""
    if not _PLAIN_REFERENCE.match(reference):
        return reverse(name, args=[reference])
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _contact_url_pattern(name, get_script_prefix(), urlconf).replace(_REFERENCE, reference)


def contact_links(user: User, contact: Contact, *extra: tuple[str, str]) -> list:
    """Links to the contact's own pages, for those who may open them (the contact's
    restriction is applied later, to every entry of it, by the selector)."""
    if not can_screen(user):
        return []
    links = [
        (
            f"Contact {contact.reference}",
            contact_url("referrals:contact-detail", contact.reference),
        )
    ]
    return links + [(words, contact_url(name, contact.reference)) for words, name in extra]


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
        if contact.case_system_id:
            details.append(("Case system's id", contact.case_system_id))
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
            links=contact_links(user, contact),
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
    made = Decision.objects.filter(on_contacts_of(person))
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
        links = contact_links(user, contact, ("Screening of the contact", "screening:contact"))
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
    asked = AgencyCheck.objects.filter(on_contacts_of(person))
    answered = asked.filter(answered_at__isnull=False)
    return [
        Stream("check-asked", rows_at(asked, "requested_at"), _load_checks),
        Stream("check-answered", rows_at(answered, "answered_at"), _load_checks),
    ]


def _sharing_words(check: AgencyCheck) -> str:
    """The basis for sharing in one line: who consented and when, or why not."""
    words = check.get_basis_display()
    if check.basis == SharingBasis.CONSENT:
        return f"{words}: given by {check.consent_giver} on {check.consent_given_on:%-d %B %Y}"
    return f"{words}: {check.basis_reason}" if check.basis_reason else words


def _load_checks(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    rows = AgencyCheck.objects.filter(
        pk__in=ids_of(keys, "check-asked", "check-answered")
    ).select_related("contact", "agency", "requested_by", "answered_by", "consent_given_by")
    for check in rows:
        contact = check.contact
        links = contact_links(user, contact, ("Screening of the contact", "screening:contact"))
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
                details=[
                    ("Status", check.get_status_display()),
                    ("Basis for sharing", _sharing_words(check)),
                ],
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
        on_contacts_of(person), recorded_at__isnull=False
    ).exclude(outcome=ComplexCaseEntry.Outcome.PENDING)
    return [Stream("meeting-outcome", rows_at(discussed, "recorded_at"), _load_meetings)]


def _load_meetings(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    rows = (
        ComplexCaseEntry.objects.filter(pk__in=ids_of(keys, "meeting-outcome"))
        .select_related("contact", "run", "recorded_by", "agreed_threshold")
        .prefetch_related("action_items__owner")
    )
    for case in rows:
        run = case.run
        meeting = f"{run.meeting_date:%-d %B %Y}, {run.slot:%H:%M}"
        links = contact_links(user, case.contact)
        if can_screen(user):
            links.append((f"Meeting of {meeting}", reverse("screening:meeting", args=[run.pk])))
        text = []
        if case.agreed_route:
            agreed = case.get_agreed_route_display()
            if case.agreed_threshold:
                agreed += f", {case.agreed_threshold}"
            text.append(("Agreed", f"{agreed}: {case.agreed_reasoning}"))
        for item in case.action_items.all():
            text.append(
                (
                    "Action",
                    f"{item.description} ({item.owner.full_name}, due {item.due_on:%-d %B %Y})",
                )
            )
        if case.actions:
            text.append(("Notes", case.actions))
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
