"""Writes for the complex-case meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.models import Agency, AuditEvent, User
from frontdoor.roles import Permission
from referrals.models import Contact
from screening.meetings import rules, selectors, slots
from screening.models import (
    AgencyContribution,
    ComplexCaseEntry,
    ComplexCaseRun,
    MeetingAction,
    MeetingGuest,
    Route,
    ThresholdLevel,
)
from screening.selectors.queue import in_queue
from screening.services import ScreeningRefused


class MeetingOutcomeRefused(ScreeningRefused):
    """What was wrong, by field, so a form can show each message by its field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())))
        self.errors = errors


def _open_contacts(received_by: datetime | None = None) -> list[Contact]:
    """The screening queue's contacts (never a specialist pathway's: docs/adr/0046)."""
    contacts = Contact.objects.filter(in_queue())
    if received_by is not None:
        contacts = contacts.filter(received_at__lte=received_by)
    return list(contacts.select_related("screening"))


def complex_case_run(
    *, meeting_date: date, slot: time, caught_up: bool = False, as_at: datetime | None = None
) -> tuple[ComplexCaseRun, bool]:
    """The snapshot for one slot: made once, returned as it is on every later call.
    ``as_at`` leaves out contacts received after it (the demo makes past meetings)."""
    try:
        with transaction.atomic():
            run = ComplexCaseRun.objects.create(
                meeting_date=meeting_date, slot=slot, caught_up=caught_up
            )
            contacts = _open_contacts(as_at)
            found = rules.reasons_for(contacts)
            carried = set(
                ComplexCaseEntry.objects.filter(
                    outcome=ComplexCaseEntry.Outcome.MORE_INFORMATION,
                    run__in=ComplexCaseRun.objects.exclude(pk=run.pk).order_by(
                        "-meeting_date", "-slot"
                    )[:1],
                ).values_list("contact_id", flat=True)
            )
            by_id = {contact.pk: contact for contact in contacts}
            for contact_id in carried & set(by_id):
                found.setdefault(contact_id, []).insert(
                    0, "Carried over: the last meeting needed more information"
                )
            order = sorted(
                found,
                key=lambda cid: (
                    cid not in carried,
                    by_id[cid].urgency != Contact.Urgency.IMMEDIATE,
                    -len(found[cid]),
                    by_id[cid].decision_due_at,
                ),
            )
            ComplexCaseEntry.objects.bulk_create(
                ComplexCaseEntry(run=run, contact_id=cid, priority=n, reasons=found[cid])
                for n, cid in enumerate(order, start=1)
            )
            return run, True
    except IntegrityError:
        # Another scheduler or a repeated tick made it first: theirs stands.
        return ComplexCaseRun.objects.get(meeting_date=meeting_date, slot=slot), False


def complex_case_runs_due(*, now: datetime | None = None) -> list[ComplexCaseRun]:
    """Make the snapshot of every slot that has started and has none yet.

    After downtime, slots missed since the last run (within the catch-up window)
    are made too, marked as caught up.
    """
    now = now or timezone.now()
    last = ComplexCaseRun.objects.aggregate(last=Max("meeting_date"))["last"]
    made = []
    for meeting_date, slot, late in slots.slots_due(now=now, since=last):
        run, created = complex_case_run(meeting_date=meeting_date, slot=slot, caught_up=late)
        if created:
            made.append(run)
    return made


def _require_chair(actor: User) -> None:
    if not actor.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise ScreeningRefused("Only a manager chairs the complex-case meeting.")


@transaction.atomic
def meeting_attendance_record(
    *, actor: User, run: ComplexCaseRun, attendees: list[User], notes: str = ""
) -> ComplexCaseRun:
    _require_chair(actor)
    run.chaired_by = actor
    run.notes = notes
    run.save(update_fields=["chaired_by", "notes"])
    run.attendees.set({*attendees, actor})
    return run


@dataclass(frozen=True)
class ActionInput:
    description: str
    owner: User
    due_on: date


# The fewest characters of what a meeting agreed, for the decision form it fills in.
MINIMUM_REASONING_LENGTH = 10


def _action_refusals(action: ActionInput, *, today: date) -> dict[str, str]:
    errors = {}
    if not action.description.strip():
        errors["action_description"] = "Enter what needs doing"
    if not action.owner.is_active or not selectors.may_own_actions(action.owner):
        errors["action_owner"] = "Select someone from the MAST or a partner agency to do it"
    if action.due_on < today:
        errors["action_due_on"] = "The date it is due must be today or later"
    return errors


@transaction.atomic
def meeting_outcome_record(
    *,
    actor: User,
    entry: ComplexCaseEntry,
    outcome: ComplexCaseEntry.Outcome,
    actions: str = "",
    owners: str = "",
    agreed_route: str = "",
    agreed_threshold: ThresholdLevel | None = None,
    agreed_reasoning: str = "",
    action: ActionInput | None = None,
) -> ComplexCaseEntry:
    """The meeting's outcome for one case. Decided: the route it agreed and why (the
    screening decision form on the contact is filled in from them). More information:
    at least one action with an owner and a date, given here or already on the case.
    ``actions`` and ``owners`` are the chair's notes of the discussion, if any.
    Refused with ``MeetingOutcomeRefused`` (each field's message) otherwise."""
    _require_chair(actor)
    errors: dict[str, str] = {}
    agreed_reasoning = agreed_reasoning.strip()
    if outcome == ComplexCaseEntry.Outcome.DECISION:
        if agreed_route not in Route.values:
            errors["agreed_route"] = "Select the route the meeting agreed"
        if len(agreed_reasoning) < MINIMUM_REASONING_LENGTH:
            errors["agreed_reasoning"] = "Say why the meeting agreed it"
    elif outcome == ComplexCaseEntry.Outcome.MORE_INFORMATION:
        agreed_route, agreed_threshold, agreed_reasoning = "", None, ""
        has_open = entry.action_items.filter(done_at__isnull=True).exists()
        if action is None and not has_open:
            errors["action_description"] = "Say what more information is needed and who will get it"
    else:
        errors["outcome"] = "Select the outcome"
    if action is not None:
        errors.update(_action_refusals(action, today=timezone.localdate()))
    if errors:
        raise MeetingOutcomeRefused(errors)
    entry.outcome = outcome
    entry.actions, entry.owners = actions.strip(), owners.strip()
    entry.agreed_route, entry.agreed_threshold = agreed_route, agreed_threshold
    entry.agreed_reasoning = agreed_reasoning
    entry.recorded_by, entry.recorded_at = actor, timezone.now()
    entry.save(
        update_fields=[
            "outcome",
            "actions",
            "owners",
            "agreed_route",
            "agreed_threshold",
            "agreed_reasoning",
            "recorded_by",
            "recorded_at",
        ]
    )
    if action is not None:
        _action_create(actor=actor, entry=entry, action=action)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=entry.contact.reference,
        via="screening.meeting_outcome",
        detail={"run": entry.run_id, "outcome": outcome},
    )
    return entry


def _action_create(*, actor: User, entry: ComplexCaseEntry, action: ActionInput) -> MeetingAction:
    return MeetingAction.objects.create(
        entry=entry,
        description=action.description.strip(),
        owner=action.owner,
        due_on=action.due_on,
        created_by=actor,
    )


@transaction.atomic
def meeting_action_add(
    *, actor: User, entry: ComplexCaseEntry, action: ActionInput
) -> MeetingAction:
    """Another action on a case the meeting discussed: the chair's."""
    _require_chair(actor)
    errors = _action_refusals(action, today=timezone.localdate())
    if errors:
        raise MeetingOutcomeRefused(errors)
    made = _action_create(actor=actor, entry=entry, action=action)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=entry.contact.reference,
        via="screening.meeting_action_add",
        detail={"run": entry.run_id, "action": made.pk},
    )
    return made


@transaction.atomic
def meeting_action_done(*, actor: User, action: MeetingAction, note: str = "") -> MeetingAction:
    """Its owner (or a manager) marks an action done; once only, whoever asks twice."""
    if actor.pk != action.owner_id and not actor.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise ScreeningRefused("Only the person it was given to, or a manager, can mark it done.")
    updated = MeetingAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=actor, done_note=note.strip()
    )
    if not updated:
        raise ScreeningRefused("This action is already marked as done.")
    action.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=action.entry.contact.reference,
        via="screening.meeting_action_done",
        detail={"action": action.pk},
    )
    return action


@transaction.atomic
def meeting_guest_add(
    *, actor: User, run: ComplexCaseRun, name: str, agency: Agency, role: str = ""
) -> MeetingGuest:
    """Someone at the meeting who has no account, by name and agency: the chair's."""
    _require_chair(actor)
    if not name.strip():
        raise MeetingOutcomeRefused({"name": "Enter the name of the person at the meeting"})
    return MeetingGuest.objects.create(
        run=run, name=name.strip(), agency=agency, role=role.strip(), recorded_by=actor
    )


@transaction.atomic
def meeting_contribution_record(
    *, actor: User, entry: ComplexCaseEntry, information: str
) -> AgencyContribution:
    """A partner agency's information about one case, one record per agency."""
    if not actor.agency_id or not (
        actor.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm)
        or actor.has_perm(Permission.APPROVE_DECISIONS.perm)
    ):
        raise ScreeningRefused("Only a partner agency's MAST member can add its information.")
    if not information.strip():
        raise ScreeningRefused("Enter what your agency knows, or that it knows nothing.")
    contribution, _ = AgencyContribution.objects.update_or_create(
        entry=entry,
        agency=Agency.objects.get(pk=actor.agency_id),
        defaults={"information": information.strip(), "recorded_by": actor},
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=entry.contact.reference,
        via="screening.meeting_contribution",
        detail={"run": entry.run_id, "agency": actor.agency_id},
    )
    return contribution
