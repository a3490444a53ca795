"""Writes for the complex-case meeting."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.models import Agency, AuditEvent, User
from frontdoor.roles import Permission
from referrals.models import Contact
from screening.meetings import rules, slots
from screening.models import AgencyContribution, ComplexCaseEntry, ComplexCaseRun
from screening.services import OPEN_STATUSES, ScreeningRefused


def _open_contacts(received_by: datetime | None = None) -> list[Contact]:
    contacts = Contact.objects.filter(status__in=OPEN_STATUSES, advice_only=False)
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


@transaction.atomic
def meeting_outcome_record(
    *,
    actor: User,
    entry: ComplexCaseEntry,
    outcome: ComplexCaseEntry.Outcome,
    actions: str = "",
    owners: str = "",
) -> ComplexCaseEntry:
    _require_chair(actor)
    if outcome == ComplexCaseEntry.Outcome.MORE_INFORMATION and not (
        actions.strip() and owners.strip()
    ):
        raise ScreeningRefused("Say what more information is needed and who will get it.")
    entry.outcome = outcome
    entry.actions, entry.owners = actions.strip(), owners.strip()
    entry.recorded_by, entry.recorded_at = actor, timezone.now()
    entry.save(update_fields=["outcome", "actions", "owners", "recorded_by", "recorded_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=entry.contact.reference,
        via="screening.meeting_outcome",
        detail={"run": entry.run_id, "outcome": outcome},
    )
    return entry


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
