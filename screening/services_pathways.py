"""Recording a specialist pathway's contact and its outcome (docs/adr/0046).

A pathway's contact goes through intake like any other (its people matched, its
acknowledgement sent) with its pathway set, so it never enters the screening queue
and is never counted as a referral (``screening.models.is_referral``). Its record
holds the short form's answers and its own clock; a LADO allegation is restricted on
receipt to the LADO role and managers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.london import LONDON
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission, Role
from frontdoor.working_days import due_after_working_days
from referrals import services as referral_services
from referrals.models import ConcernCategory, Contact, Pathway, Restriction
from referrals.services import (
    ContactInput,
    ContactRejected,
    ContactStatusRefused,
    ReferrerInput,
    SubjectInput,
)
from screening.models import PathwayRecord
from screening.pathways import (
    CONCERNS_MISSING,
    DUE_ON_MISSING,
    NOTE_MISSING,
    OUTCOME_MISSING,
    PATHWAYS,
    PathwayConfig,
    missing,
)

DETAIL_FIELDS = (
    "adult_name",
    "adult_role",
    "organisation",
    "organisation_contact",
    "request",
    "team",
)
LADO_RESTRICTION = (
    "An allegation against an adult who works with children: restricted on receipt to "
    "the LADO and the front door's managers."
)
NOT_TOLD = "Recorded through a specialist pathway: the family is told as its procedure says."


class PathwayRefused(Exception):
    """``errors`` has a message for each field it concerns, for a form to show."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def can_handle(user: User, pathway: str) -> bool:
    """Who records and handles a pathway's contacts: the LADO role and managers for
    allegations (``HANDLE_LADO``), screening staff for the others."""
    if not user.is_authenticated or pathway not in PATHWAYS:
        return False
    needed = Permission.HANDLE_LADO if pathway == Pathway.LADO else Permission.SCREEN_CONTACTS
    return user.has_perm(needed.perm)


@dataclass(frozen=True)
class PathwayInput:
    concerns: str
    children: list[SubjectInput]
    referrer: ReferrerInput
    details: dict[str, str]
    due_on: date | None = None
    received_at: datetime | None = None


def pathway_due(config: PathwayConfig, received_at: datetime, due_on: date | None) -> datetime:
    """The pathway's clock: its working days from receipt, or the asker's date."""
    if config.working_days is not None:
        return due_after_working_days(received_at, config.working_days, statutory=config.statutory)
    return datetime.combine(due_on, time(17, 0), tzinfo=LONDON)


def _check(config: PathwayConfig, data: PathwayInput, received_at: datetime) -> None:
    """Every field the pathway asks, each message once (the form shows them)."""
    errors = {}
    if not data.concerns.strip():
        errors["concerns"] = CONCERNS_MISSING
    for name, label in config.fields.items():
        if name == "due_on":
            if data.due_on is None:
                errors["due_on"] = DUE_ON_MISSING
            elif data.due_on < timezone.localdate(received_at):
                errors["due_on"] = (
                    "The date the answer is due must be on or after the day the request "
                    f"was received ({timezone.localdate(received_at):%-d %B %Y})"
                )
        elif not data.details.get(name, "").strip():
            errors[name] = missing(label)
    if config.teams and data.details.get("team") and data.details["team"] not in config.teams:
        errors["team"] = "Select a team from the list"
    if config.pathway != Pathway.LADO and not data.children:
        errors["children"] = "Enter the child this is about"
    if errors:
        raise PathwayRefused(errors)


def _lado_handlers() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, groups__name__in=[Role.LADO.value, Role.MANAGER.value]
        ).distinct()
    )


@transaction.atomic
def pathway_record(*, actor: User, pathway: str, data: PathwayInput) -> PathwayRecord:
    """Record a pathway's contact and its record; restrict it where the pathway says."""
    config = PATHWAYS.get(pathway)
    if config is None or not can_handle(actor, pathway):
        raise PathwayRefused({"pathway": "Your role does not allow this."})
    received_at = data.received_at or timezone.now()
    _check(config, data, received_at)
    due_at = pathway_due(config, received_at, data.due_on)
    try:
        contact, _ = referral_services.contact_submit(
            actor=actor,
            data=ContactInput(
                subjects=list(data.children),
                concerns=data.concerns.strip(),
                concern_categories=[ConcernCategory.OTHER],
                family_awareness=Contact.FamilyAwareness.NOT_AWARE,
                family_not_told_reason=NOT_TOLD,
                referrer=data.referrer,
                received_at=received_at,
                decision_due_at=due_at,
                pathway=pathway,
            ),
            channel=Contact.Channel.CONTACT_CENTRE,
        )
    except ContactRejected as rejected:
        raise PathwayRefused({"children": str(rejected)}) from None
    record = PathwayRecord.objects.create(
        contact=contact,
        due_at=due_at,
        **{name: data.details.get(name, "").strip() for name in DETAIL_FIELDS},
    )
    if config.restricted:
        referral_services.restriction_add_on_receipt(
            actor=actor, contact=contact, reason=LADO_RESTRICTION, allowed=_lado_handlers()
        )
    _audit(actor, contact, "pathway_record", pathway=pathway)
    return record


@transaction.atomic
def pathway_outcome(
    *, actor: User, record: PathwayRecord, outcome: str, note: str, at: datetime | None = None
) -> PathwayRecord:
    """Record the pathway's outcome (what was decided, done or shared), once."""
    record = PathwayRecord.objects.select_for_update().select_related("contact").get(pk=record.pk)
    contact = record.contact
    config = PATHWAYS[contact.pathway]
    if not can_handle(actor, contact.pathway):
        raise PathwayRefused({"outcome": "Your role does not allow this."})
    if Restriction.objects.closed_to(actor).on_contact(contact.pk).exists():
        raise PathwayRefused({"outcome": "This record is restricted to the people named on it."})
    errors = {}
    if record.outcome:
        errors["outcome"] = "The outcome is already recorded"
    elif outcome not in dict(config.outcomes):
        errors["outcome"] = OUTCOME_MISSING
    if not note.strip():
        errors["note"] = NOTE_MISSING
    at = at or timezone.now()
    if not contact.received_at <= at <= timezone.now():
        errors["at"] = "The outcome cannot predate the contact or lie in the future"
    if errors:
        raise PathwayRefused(errors)
    try:  # the contact as locked with the record; a change another made is refused
        referral_services.contact_status_move(contact=contact, to=Contact.Status.CLOSED)
    except ContactStatusRefused:
        raise PathwayRefused(
            {
                "outcome": f"{contact.reference} is {contact.get_status_display().lower()} "
                "now, so its outcome cannot be recorded: reload it to see what changed."
            }
        ) from None
    record.outcome, record.outcome_note = outcome, note.strip()
    record.outcome_at, record.outcome_by = at, actor
    record.save(update_fields=["outcome", "outcome_note", "outcome_at", "outcome_by"])
    _audit(actor, contact, "pathway_outcome", outcome=outcome)
    return record


def _audit(actor: User, contact: Contact, what: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE if what != "pathway_record" else AuditEvent.Action.CREATE,
        record_type="contact",
        record_id=contact.reference,
        via=f"screening.{what}",
        detail=detail,
    )
