"""Retention: finding contacts kept past their period, and erasing their personal
details once a manager approves.

Erasure keeps the shape of the record (dates, routes, codes, agencies) so the
scorecard's past figures still add up, and replaces every name, address, number
and free text with a marker. The change history of the erased rows is purged (the
one operation allowed past its append-only triggers), and the audit trail keeps a
row per contact saying it was erased, when, under which run and on whose approval:
identifiers only, as ever.
"""

from __future__ import annotations

from datetime import datetime

import pgtrigger
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.dispatch import dispatch, waiting_ids
from frontdoor.london import years_before
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from outcomes.models import (
    CaseEvent,
    Delivery,
    DeliveryAttempt,
    Letter,
    Notice,
    PupilSchool,
    RetentionRun,
)
from referrals.models import (
    FRONT_DOOR,
    Contact,
    ContactSubject,
    ContactWithdrawal,
    FamilyAddress,
    MatchCandidate,
    OutOfHoursHandover,
    Person,
    PersonMerge,
    PersonWarning,
    PersonWarningReview,
    PoliceNotification,
    ReferralDraft,
    Relationship,
    WithdrawalRequest,
)
from referrals.services.documents import documents_erase
from screening.models import (
    REFERRAL_ROUTES,
    AgencyCheck,
    AgencyContribution,
    AuditCriterionGrade,
    ComplexCaseEntry,
    ContactLogEntry,
    Decision,
    DecisionAudit,
    Route,
    Screening,
)
from screening.services import SOS_FIELDS

ERASED = "[erased under the retention policy]"
RETENTION_ERASE = "outcomes.tasks.retention_erase_task"
# The erasure task's hard limit (outcomes/tasks.py); an approved run older than this
# (and a minute) was never taken by a worker or lost with one.
ERASE_TIME_LIMIT = 1800
# What identifies a person, on a contact's subject and on a person record alike.
ERASED_IDENTITY = {
    "first_name": "Erased",
    "last_name": "Erased",
    "date_of_birth": None,
    "expected_date_of_birth": None,
    "nhs_number": "",
    "unique_pupil_number": "",
    "address": "",
    "postcode": "",
}
# The Signs of Safety analysis in words (the scaling number and flags stay).
SOS_TEXT = [name for name in SOS_FIELDS if isinstance(Screening._meta.get_field(name), TextField)]
KIND_ROUTES = {
    "information_and_advice": [Route.INFORMATION_AND_ADVICE],
    "early_help": [Route.EARLY_HELP],
    "referral": list(REFERRAL_ROUTES),
}
# The history tables of the records erasure touches (their append-only triggers are
# the ones it is allowed past).
HISTORY_TRIGGERS = [
    f"{label}Event:append_only"
    for label in (
        "referrals.Contact",
        "referrals.ContactSubject",
        "referrals.Person",
        "referrals.PersonMerge",
        "referrals.PersonWarning",
        "referrals.Relationship",
        "screening.Screening",
        "screening.AgencyCheck",
        "screening.Decision",
        "screening.ComplexCaseEntry",
        "screening.AgencyContribution",
        "outcomes.Notice",
        "outcomes.Letter",
        "referrals.FamilyAddress",
        "referrals.ContactWithdrawal",
        "referrals.WithdrawalRequest",
        "referrals.PoliceNotification",
        "screening.DecisionAudit",
        "screening.AuditCriterionGrade",
    )
]


class RetentionRefused(Exception):
    pass


# A contact withdrawn before any decision went no further than advice would have: it
# is kept as long (docs/adr/0036), then erased with information and advice.
WITHDRAWN_KIND = "information_and_advice"


def contacts_due(*, kind: str, now: datetime | None = None):
    """Contacts of this kind received before the kind's retention period, not yet erased.
    Front-door contacts only: a specialist pathway's contact is kept until a retention
    rule for its pathway exists (docs/adr/0046), whatever its status or decisions."""
    cutoff = years_before(now or timezone.now(), settings.RETENTION_YEARS[kind])
    of_kind = Q(standing_route__in=KIND_ROUTES[kind])
    if kind == WITHDRAWN_KIND:
        of_kind |= Q(status=Contact.Status.WITHDRAWN)
    return (
        Contact.objects.filter(FRONT_DOOR, erased_at__isnull=True, received_at__lt=cutoff)
        .annotate(standing_route=Decision.objects.standing().route_for())
        .filter(of_kind)
    )


@transaction.atomic
def retention_review(*, now: datetime | None = None) -> list[RetentionRun]:
    """Propose what is due for erasure, one run per kind (the daily job). Contacts
    already waiting in a run are not proposed twice. Unsent drafts past their days
    are deleted outright."""
    now = now or timezone.now()
    waiting = set()
    for ids in RetentionRun.objects.exclude(status=RetentionRun.Status.ERASED).values_list(
        "contact_ids", flat=True
    ):
        waiting.update(ids)
    runs = []
    for kind in KIND_ROUTES:
        ids = sorted(set(contacts_due(kind=kind, now=now).values_list("pk", flat=True)) - waiting)
        if ids:
            runs.append(RetentionRun.objects.create(kind=kind, contact_ids=ids))
    stale = now - timezone.timedelta(days=settings.RETENTION_DRAFT_DAYS)
    ReferralDraft.objects.filter(updated_at__lt=stale).delete()
    return runs


def runs_for_managers(*, user: User):
    if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return RetentionRun.objects.select_related("approved_by")


@transaction.atomic
def retention_approve(*, actor: User, run: RetentionRun) -> RetentionRun:
    """A manager approves a proposed run; a worker then erases it."""
    if not actor.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise RetentionRefused("Only a manager can approve erasure.")
    run = RetentionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RetentionRun.Status.PROPOSED:
        raise RetentionRefused("This run is not waiting for approval.")
    run.status, run.approved_by, run.approved_at = (
        RetentionRun.Status.APPROVED,
        actor,
        timezone.now(),
    )
    run.save(update_fields=["status", "approved_by", "approved_at"])
    retention_erase_queue(run=run)
    return run


def retention_erase_queue(*, run: RetentionRun) -> None:
    """Queue an approved run's erasure (by id) once the approval commits. A broker that
    cannot be reached leaves the run approved and marked not queued for the sweeper."""
    RetentionRun.objects.filter(pk=run.pk).update(erase_queued_at=timezone.now())

    def unless_sent(sent: bool) -> None:
        if not sent:
            RetentionRun.objects.filter(pk=run.pk).update(erase_queued_at=None)

    dispatch(RETENTION_ERASE, run.pk, then=unless_sent)


def retention_erasures_sweep(*, now: datetime | None = None) -> list[int]:
    """Queue approved runs the broker never took, or whose erasure was lost (still
    approved after the task's time limit); erasing again skips what is erased."""
    waiting = waiting_ids(
        RetentionRun.objects.filter(status=RetentionRun.Status.APPROVED),
        queued_at="erase_queued_at",
        time_limit=ERASE_TIME_LIMIT,
        now=now or timezone.now(),
    )
    for run_id in waiting:
        retention_erase_queue(run=RetentionRun(pk=run_id))
    return waiting


def retention_erase(*, run_id: int) -> int:
    """Erase an approved run's contacts; safe to run again (erased ones are skipped).
    Returns how many contacts were erased now."""
    run = RetentionRun.objects.get(pk=run_id)
    if run.status == RetentionRun.Status.PROPOSED:
        raise RetentionRefused("A manager has not approved this run.")
    erased = 0
    for start in range(0, len(run.contact_ids), 200):
        erased += _erase_chunk(run, run.contact_ids[start : start + 200])
    RetentionRun.objects.filter(pk=run.pk).update(
        status=RetentionRun.Status.ERASED, erased_at=timezone.now()
    )
    return erased


def _erased_unless_empty(field: str) -> Case:
    return Case(When(**{field: ""}, then=Value("")), default=Value(ERASED))


def _with_tombstones(people: set[int]) -> set[int]:
    """These people and the tombstones of every record merged into them (and into
    those, down each chain): a tombstone has no contacts of its own left to be erased
    with, but keeps the name and details it had."""
    found, new = set(people), set(people)
    while new:
        new = set(Person.objects.filter(merged_into_id__in=new).values_list("pk", flat=True))
        new -= found
        found |= new
    return found


@transaction.atomic
def _erase_chunk(run: RetentionRun, ids: list[int]) -> int:
    contacts = list(Contact.objects.select_for_update().filter(pk__in=ids, erased_at__isnull=True))
    if not contacts:
        return 0
    ids = [contact.pk for contact in contacts]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL frontdoor.retention_erasure = 'on'")
    subjects = ContactSubject.objects.filter(contact_id__in=ids)
    people = set(subjects.exclude(person=None).values_list("person_id", flat=True))
    # People who also appear on contacts being kept keep their record.
    kept = set(
        ContactSubject.objects.filter(person_id__in=people)
        .exclude(contact_id__in=ids)
        .exclude(contact__erased_at__isnull=False)
        .values_list("person_id", flat=True)
    )
    only_here = _with_tombstones(people - kept)
    # A merge of an erased record holds its details (before and after) and why the two
    # were thought one person: erased with it, and it can no longer be undone.
    merges = list(
        PersonMerge.objects.filter(
            Q(kept_id__in=only_here) | Q(merged_id__in=only_here), erased_at__isnull=True
        ).values_list("pk", flat=True)
    )
    subject_ids = list(subjects.values_list("pk", flat=True))
    with pgtrigger.ignore(*HISTORY_TRIGGERS):
        for model, field, values in (
            (Contact.events.field.model, "pgh_obj_id", ids),
            (ContactSubject.events.field.model, "pgh_obj_id", subject_ids),
            (Person.events.field.model, "pgh_obj_id", list(only_here)),
            (PersonMerge.events.field.model, "pgh_obj_id", merges),
            (PersonWarning.events.field.model, "person_id", list(only_here)),
            (Relationship.events.field.model, "person_id", list(only_here)),
            (Relationship.events.field.model, "relative_id", list(only_here)),
            (Screening.events.field.model, "contact_id", ids),
            (AgencyCheck.events.field.model, "contact_id", ids),
            (Decision.events.field.model, "contact_id", ids),
            (ComplexCaseEntry.events.field.model, "contact_id", ids),
            (AgencyContribution.events.field.model, "entry__contact_id", ids),
            (Notice.events.field.model, "contact_id", ids),
            (Letter.events.field.model, "contact_id", ids),
            (FamilyAddress.events.field.model, "contact_id", ids),
            (ContactWithdrawal.events.field.model, "contact_id", ids),
            (WithdrawalRequest.events.field.model, "contact_id", ids),
            (PoliceNotification.events.field.model, "contact_id", ids),
            (DecisionAudit.events.field.model, "decision__contact_id", ids),
            (AuditCriterionGrade.events.field.model, "audit__decision__contact_id", ids),
        ):
            model.objects.filter(**{f"{field}__in": values}).delete()
    now = timezone.now()
    Contact.objects.filter(pk__in=ids).update(
        concerns=ERASED,
        referrer_name="",
        referrer_role="",
        referrer_organisation="",
        referrer_phone="",
        referrer_email="",
        advice_given="",
        family_not_told_reason=ERASED,
        erased_at=now,
    )
    # One update per table: the change-history trigger keeps each row as an update leaves
    # it, so a second update would leave a history row still holding what the first kept.
    subjects.update(
        **ERASED_IDENTITY,
        other_names="",
        relationship_to_children="",
        # The child's voice: whether they were seen stays, their words and who saw them go.
        child_seen_by="",
        child_said=_erased_unless_empty("child_said"),
        child_not_seen_reason=_erased_unless_empty("child_not_seen_reason"),
    )
    MatchCandidate.objects.filter(subject_id__in=subject_ids).delete()
    # Attached files go whole, bytes and row: a file's name and description are as
    # personal as the concerns (docs/adr/0032).
    documents_erase(contact_ids=ids)
    # Events sent to case systems keep their kind and place in the feed; what they said
    # goes, and a delivery not yet made is not made (docs/adr/0034).
    # A receiver's answers may echo what it was sent, so they go too; a delivery in any
    # state is never sent again (a replay skips erased ones).
    CaseEvent.objects.filter(contact_id__in=ids).update(data={"erased": True}, erased_at=now)
    DeliveryAttempt.objects.filter(delivery__event__contact_id__in=ids).update(response_excerpt="")
    Delivery.objects.filter(event__contact_id__in=ids).update(state=Delivery.State.ERASED)
    Person.objects.filter(pk__in=only_here).update(**ERASED_IDENTITY, aliases=[])
    # Which school an erased child attends goes with them; the notices to schools keep
    # their times (for the Encompass scorecard), their words were never kept, and the
    # address each went to is erased with the notice above. The directory holds no child.
    PupilSchool.objects.filter(person_id__in=only_here).delete()
    PersonMerge.objects.filter(pk__in=merges).update(
        reason=ERASED,
        kept_changes={},
        merged_changes={},
        unmerge_reason=_erased_unless_empty("unmerge_reason"),
        erased_at=now,
    )
    # A warning's kind and dates stay (the person record is kept); what it rests on goes,
    # and one still active ends with the erasure: nobody can review what it rested on.
    PersonWarning.objects.filter(person_id__in=only_here).update(
        evidence=ERASED,
        review_note="",
        end_reason=ERASED,
        ended_at=Coalesce(F("ended_at"), Value(now)),
        ended_by=Coalesce(F("ended_by"), Value(run.approved_by_id)),
    )
    # How two people are related stays on the kept records; why one was ended goes.
    Relationship.objects.filter(Q(person_id__in=only_here) | Q(relative_id__in=only_here)).update(
        end_reason=_erased_unless_empty("end_reason")
    )
    # Each review's note goes too (who reviewed it, when and the date set stay). The
    # review table keeps no change history: its rows are append-only, and the database
    # lets erasure change only the note.
    PersonWarningReview.objects.filter(warning__person_id__in=only_here).update(
        note=_erased_unless_empty("note")
    )
    Screening.objects.filter(contact_id__in=ids).update(
        **dict.fromkeys(SOS_TEXT, ERASED),
        checks_waived_reason="",
    )
    # A check keeps its agency, dates and basis for sharing; who gave consent by name,
    # why it went without, and a manager's comment go with the question and answer.
    AgencyCheck.objects.filter(contact_id__in=ids).update(
        question=ERASED,
        response=ERASED,
        consent_given_by_name=_erased_unless_empty("consent_given_by_name"),
        basis_reason=_erased_unless_empty("basis_reason"),
        review_comment=_erased_unless_empty("review_comment"),
    )
    Decision.objects.filter(contact_id__in=ids).update(
        rationale=ERASED,
        complex_reason="",
        withhold_reason="",
        approval_comment="",
        advice_given="",
    )
    # A decision audit keeps its grades (the scorecard counts them); the manager's
    # feedback and comments, which speak of the child, go (docs/adr/0043).
    DecisionAudit.objects.filter(decision__contact_id__in=ids).update(
        comments=_erased_unless_empty("comments")
    )
    AuditCriterionGrade.objects.filter(audit__decision__contact_id__in=ids).update(
        comment=_erased_unless_empty("comment")
    )
    ComplexCaseEntry.objects.filter(contact_id__in=ids).update(actions=ERASED, owners="")
    AgencyContribution.objects.filter(entry__contact_id__in=ids).update(information=ERASED)
    Notice.objects.filter(contact_id__in=ids).update(recipient=ERASED)
    # A printed letter keeps its state and dates (and its batch, which holds no
    # personal details); its address and words go, as does the address staff set.
    Letter.objects.filter(contact_id__in=ids).update(recipient=ERASED, subject=ERASED, body=ERASED)
    FamilyAddress.objects.filter(contact_id__in=ids).update(addressee="", lines="", postcode="")
    # The contact log keeps who, how and when; what was said and whom by name go. Its
    # rows are append-only: the database lets erasure change only these texts.
    ContactLogEntry.objects.filter(contact_id__in=ids).update(
        note=ERASED,
        with_name=_erased_unless_empty("with_name"),
        correction_reason=_erased_unless_empty("correction_reason"),
    )
    # The emergency duty team's handover keeps who and when; its words go.
    OutOfHoursHandover.objects.filter(contact_id__in=ids).update(
        what_was_done=ERASED, for_the_day_team=_erased_unless_empty("for_the_day_team")
    )
    # A withdrawal keeps its reason, who and when; its note (and the referrer's) goes.
    ContactWithdrawal.objects.filter(contact_id__in=ids).update(note=ERASED)
    WithdrawalRequest.objects.filter(contact_id__in=ids).update(note=ERASED)
    # A police notification keeps its force, reference, incident, grade and who was
    # involved how; the officer's account and name go (docs/adr/0037).
    PoliceNotification.objects.filter(contact_id__in=ids).update(
        officer_account=ERASED, officer_name=""
    )
    approver = run.approved_by
    for contact in contacts:
        audit_record(
            actor=approver,
            action=AuditEvent.Action.CHANGE,
            record_type="contact",
            record_id=contact.reference,
            via="outcomes.retention.erase",
            detail={"retention_run": run.pk, "kind": run.kind},
        )
    return len(contacts)


def retention_summary(run: RetentionRun) -> dict:
    """Counts and dates for the managers' page (no names)."""
    received = Contact.objects.filter(pk__in=run.contact_ids).values_list("received_at", flat=True)
    dates = sorted(received)
    return {
        "count": len(run.contact_ids),
        "oldest": dates[0] if dates else None,
        "newest": dates[-1] if dates else None,
    }
