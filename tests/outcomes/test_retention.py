"""Retention: what is due is found daily, a manager approves, erasure keeps the shape
of the record and the audit of the act, and removes the personal details and their
change history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from frontdoor.models import AuditEvent
from outcomes import retention
from outcomes.models import RetentionRun
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_get
from referrals import services as referral_services
from referrals.models import Contact, Document, Person, ReferralDraft
from screening.models import Decision, Route
from tests.outcomes.scorecard_world import World, build_world
from tests.support.documents import small_pdf


@pytest.fixture
def old_world(screener, manager, settings):
    settings.RETENTION_YEARS = {"information_and_advice": 1, "early_help": 3, "referral": 25}
    world: World = build_world(screener, manager)
    return world


def test_the_daily_review_proposes_what_is_due_once(old_world, settings):
    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 3, "referral": 25}
    runs = retention.retention_review()
    by_kind = {run.kind: set(run.contact_ids) for run in runs}
    contacts = old_world.contacts
    # Every Information and Advice contact (kept 0 years): c5, c6, c11 (advice given on
    # the call) but not c9, whose advice was superseded by an assessment. Early help
    # (c4, c12) is kept three years; referrals 25; c7 and c10 are not decided.
    assert by_kind == {"information_and_advice": {contacts[key].pk for key in ("c5", "c6", "c11")}}
    assert retention.retention_review() == []  # nothing proposed twice


def test_erasure_needs_a_manager_and_keeps_the_shape_and_the_audit(
    client, old_world, manager, screener, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 3, "referral": 25}
    contacts = old_world.contacts
    c5 = contacts["c5"]
    q3 = Period.parse("2026-Q3")
    before = scorecard_get(user=manager, period=q3).figures
    [run] = [run for run in retention.retention_review() if run.kind == "information_and_advice"]
    assert c5.pk in run.contact_ids
    document = referral_services.document_attach(
        actor=screener,
        contact=c5,
        upload=referral_services.DocumentUpload(filename="report.pdf", data=small_pdf()),
        via="screening",
    )
    stored = Path(storages["documents"].path(document.storage_name))

    with pytest.raises(retention.RetentionRefused):
        retention.retention_erase(run_id=run.pk)
    client.force_login(screener)
    assert client.get(reverse("outcomes:retention")).status_code == 403
    client.force_login(manager)
    assert "Approve erasure" in client.get(reverse("outcomes:retention")).text
    client.post(reverse("outcomes:retention"), {"run": run.pk})
    run.refresh_from_db()
    assert run.status == RetentionRun.Status.APPROVED
    assert run.approved_by == manager

    with django_capture_on_commit_callbacks(execute=True):
        erased = retention.retention_erase(run_id=run.pk)  # what the worker runs
    assert erased == len(run.contact_ids)
    # Attached files go whole: the row and the encrypted bytes.
    assert not Document.objects.filter(contact=c5).exists()
    assert not stored.exists()
    c5.refresh_from_db()
    assert c5.erased_at is not None
    assert c5.concerns == retention.ERASED
    subject = c5.subjects.get()
    assert (subject.first_name, subject.nhs_number, subject.date_of_birth) == ("Erased", "", None)
    assert Decision.objects.get(contact=c5).rationale == retention.ERASED
    assert Decision.objects.get(contact=c5).route == Route.INFORMATION_AND_ADVICE
    # Cai is also on c4 (early help, kept): his person record keeps his name.
    assert subject.person.first_name == "Cai"
    # No copy of what was erased is left in the change history.
    history = Contact.events.field.model.objects.filter(pgh_obj_id=c5.pk)
    assert not history.exclude(concerns=retention.ERASED).exists()
    assert AuditEvent.objects.filter(
        record_id=c5.reference, via="outcomes.retention.erase", actor=manager
    ).exists()
    assert AuditEvent.objects.filter(record_id=c5.reference, action="create").exists()
    # The counts for the past quarter are unchanged.
    after = scorecard_get(user=manager, period=q3).figures
    for key in ("contacts", "referrals", "timeliness", "repeat_not_progressed"):
        assert (after[key].count, after[key].base) == (before[key].count, before[key].base), key
    assert retention.retention_erase(run_id=run.pk) == 0  # running again changes nothing


def test_decisions_stay_immutable_outside_erasure(contact, screener, level):
    from django.db import transaction
    from django.db.utils import InternalError, ProgrammingError

    from screening import services
    from tests.support.screening import decide

    services.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.EARLY_HELP)
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(rationale=retention.ERASED)


def test_unsent_drafts_are_removed_after_their_days(referrer, settings):
    settings.RETENTION_DRAFT_DAYS = 30
    old = ReferralDraft.objects.create(owner=referrer, kind="referral", data={"x": 1})
    ReferralDraft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=31))
    retention.retention_review()
    assert not ReferralDraft.objects.filter(pk=old.pk).exists()


def test_person_only_on_erased_contacts_is_erased_too(old_world, manager, settings):
    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 3, "referral": 25}
    [run] = [r for r in retention.retention_review() if r.kind == "information_and_advice"]
    retention.retention_approve(actor=manager, run=run)
    retention.retention_erase(run_id=run.pk)
    dee = old_world.contacts["c6"].subjects.get().person
    dee.refresh_from_db()
    assert dee.first_name == "Erased"
    assert not Person.events.field.model.objects.filter(
        pgh_obj_id=dee.pk, first_name="Dee"
    ).exists()


def test_erasure_takes_the_childs_words_and_the_evidence_of_warnings(
    old_world, manager, screener, settings
):
    from referrals import services as referral_services
    from referrals.models import ContactSubject, PersonWarning, PersonWarningReview

    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 3, "referral": 25}
    subject = old_world.contacts["c6"].subjects.get()
    ContactSubject.objects.filter(pk=subject.pk).update(
        child_seen=True, child_seen_by="Ms Reed, teacher", child_said="Dee said she was hungry."
    )
    warning = referral_services.warning_set(
        actor=screener,
        person=subject.person,
        kind="other",
        evidence="Dog at the address bit a visitor in 2025.",
        review_due=timezone.localdate() + timedelta(days=30),
    )
    still_active = referral_services.warning_set(
        actor=screener,
        person=subject.person,
        kind="risk_to_staff",
        evidence="Shouted at a visitor on the doorstep.",
        review_due=timezone.localdate() + timedelta(days=30),
    )
    referral_services.warning_review(
        actor=manager,
        warning=still_active,
        review_due=timezone.localdate() + timedelta(days=60),
        note="Spoke to Mrs Okafor next door.",
    )
    referral_services.warning_end(actor=screener, warning=warning, reason="Dog rehomed in Leeds.")
    # A relationship ended with a reason that names where the father went.
    from referrals.models import Person, Relationship

    father = Person.objects.create(first_name="Gary", last_name="Reed")
    ended = Relationship.objects.create(
        person=father,
        relative=subject.person,
        kind=Relationship.Kind.PARENT,
        basis=Relationship.Basis.CONFIRMED,
        recorded_on=old_world.contacts["c6"],
        recorded_by=screener,
        recorded_at=timezone.now(),
        confirmed_by=screener,
        confirmed_at=timezone.now(),
    )
    Relationship.objects.filter(pk=ended.pk).update(
        ended_at=timezone.now(), ended_by=screener, end_reason="Moved to HMP Leeds."
    )
    [run] = [r for r in retention.retention_review() if r.kind == "information_and_advice"]
    retention.retention_approve(actor=manager, run=run)
    retention.retention_erase(run_id=run.pk)

    subject.refresh_from_db()
    assert (subject.child_seen, subject.child_seen_by) == (True, "")
    assert subject.child_said == retention.ERASED
    warning.refresh_from_db()
    assert warning.kind == "other"
    assert warning.evidence == retention.ERASED
    assert warning.end_reason == retention.ERASED
    # Nothing erased survives in the change history either.
    subject_history = ContactSubject.events.field.model.objects.filter(pgh_obj_id=subject.pk)
    assert not subject_history.filter(child_said__contains="hungry").exists()
    assert not subject_history.filter(child_seen_by__contains="Reed").exists()
    warning_history = PersonWarning.events.field.model.objects.filter(person_id=subject.person_id)
    assert not warning_history.filter(evidence__contains="Dog at the address").exists()
    assert not warning_history.filter(evidence__contains="doorstep").exists()
    assert not warning_history.filter(end_reason__contains="Leeds").exists()
    ended.refresh_from_db()
    assert (ended.kind, ended.end_reason) == (Relationship.Kind.PARENT, retention.ERASED)
    assert not Relationship.events.field.model.objects.filter(end_reason__contains="HMP").exists()
    # A warning still active ends with the erasure: nobody could review what it rested on.
    still_active.refresh_from_db()
    assert still_active.ended_at is not None
    assert still_active.ended_by == manager
    assert still_active.end_reason == retention.ERASED
    # Each review's note goes; who reviewed it and the date set stay.
    [review] = PersonWarningReview.objects.filter(warning=still_active)
    assert (review.note, review.reviewed_by) == (retention.ERASED, manager)
    assert not PersonWarningReview.objects.filter(note__contains="Okafor").exists()
    assert not warning_history.filter(review_note__contains="Okafor").exists()


def test_erasing_a_kept_record_erases_its_tombstones_and_its_merges(old_world, manager, settings):
    from referrals import services as referral_services
    from referrals.models import PersonMerge

    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 3, "referral": 25}
    dee = old_world.contacts["c6"].subjects.get().person
    # A duplicate of Dee made by hand, with details the kept record lacks: the merge
    # fills them in (and keeps what they were, to undo it).
    duplicate = Person.objects.create(
        first_name="Deanna",
        last_name="Reid",
        address="14 Quarry Lane, Leeds",
        postcode="LS6 2AB",
    )
    done = referral_services.person_merge(
        actor=manager,
        kept=dee,
        merged=duplicate,
        reason="Her aunt at 14 Quarry Lane confirmed both names are Dee's.",
    )
    assert done.kept_changes
    [run] = [r for r in retention.retention_review() if r.kind == "information_and_advice"]
    retention.retention_approve(actor=manager, run=run)
    retention.retention_erase(run_id=run.pk)

    duplicate.refresh_from_db()
    assert (duplicate.first_name, duplicate.last_name, duplicate.address) == ("Erased",) * 2 + ("",)
    assert duplicate.aliases == []
    done.refresh_from_db()
    assert done.reason == retention.ERASED
    assert (done.kept_changes, done.merged_changes) == ({}, {})
    assert done.erased_at is not None
    for history in (Person.events.field.model, PersonMerge.events.field.model):
        rows = [str(row) for row in history.objects.values()]
        assert not [row for row in rows if "Quarry" in row or "Deanna" in row], history
    with pytest.raises(referral_services.MergeRefused, match="erased under the retention"):
        referral_services.person_unmerge(
            actor=manager, merge=done, reason="Two different girls after all."
        )


def test_a_police_notifications_officer_account_is_erased_with_its_contact(
    screener, manager, police_member, settings, django_capture_on_commit_callbacks
):
    from referrals.models import PoliceNotification
    from screening.services_police import BulkItem, bulk_decide
    from tests.support.police import ACCOUNT, record

    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 0, "referral": 25}
    contact, _ = record(police_member, "RET-1", received_at=timezone.now() - timedelta(days=3))
    bulk_decide(
        actor=screener,
        route=Route.EARLY_HELP,
        items=[BulkItem(contact, "A verbal argument only; early help offered to the family.")],
    )
    [run] = [run for run in retention.retention_review() if contact.pk in run.contact_ids]
    retention.retention_approve(actor=manager, run=run)
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_erase(run_id=run.pk)
    notification = PoliceNotification.objects.get(contact=contact)
    assert notification.officer_account == retention.ERASED
    assert notification.officer_name == ""
    assert notification.police_reference == "RET-1"  # the shape stays
    history = PoliceNotification.events.field.model.objects.filter(contact_id=contact.pk)
    assert not history.filter(officer_account=ACCOUNT).exists()


def test_a_decision_audit_keeps_its_grades_and_loses_its_feedback_on_erasure(
    screener, manager, referrer, settings, django_capture_on_commit_callbacks
):
    from screening.audits import services as audit_services
    from screening.audits.weeks import last_complete_week
    from screening.models import AuditCriterion, AuditCriterionGrade, DecisionAudit
    from tests.support.audits import decided_in_week

    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 0, "referral": 25}
    decision = decided_in_week(screener=screener, referrer=referrer)
    sample, _ = audit_services.audit_sample_draw(week_start=last_complete_week())
    audit = sample.audits.get()
    words = "Amelia's bruising deserved a strategy discussion."
    audit_services.decision_audit_grade(
        actor=manager,
        audit=audit,
        grade="inadequate",
        comments=words,
        criteria={
            c.pk: audit_services.CriterionGrade("good", words)
            for c in AuditCriterion.objects.filter(is_active=True)
        },
    )
    [run] = [run for run in retention.retention_review() if decision.contact_id in run.contact_ids]
    retention.retention_approve(actor=manager, run=run)
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_erase(run_id=run.pk)

    audit = DecisionAudit.objects.get(pk=audit.pk)
    assert audit.comments == retention.ERASED
    assert audit.grade == "inadequate"  # the shape (and the scorecard's count) stays
    grades = AuditCriterionGrade.objects.filter(audit=audit)
    assert {g.comment for g in grades} == {retention.ERASED}
    assert {g.grade for g in grades} == {"good"}
    for model in (DecisionAudit, AuditCriterionGrade):
        history = model.events.field.model.objects.all()
        assert not [row for row in history.values() if words in str(row)]


def test_an_edt_handover_is_erased_with_its_contact(
    screener, manager, level, settings, django_capture_on_commit_callbacks
):
    """docs/adr/0044: the handover keeps who and when; its words go."""
    from frontdoor.roles import Role
    from referrals.models import OutOfHoursHandover
    from referrals.services import contact_submit
    from screening.services_edt import handover_record
    from tests.factories import UserFactory, contact_input
    from tests.support.screening import decide

    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 0, "referral": 25}
    edt = UserFactory(roles=[Role.EDT])
    contact, _ = contact_submit(
        actor=edt,
        data=contact_input(received_at=timezone.now() - timedelta(days=3), out_of_hours=True),
        channel=Contact.Channel.CONTACT_CENTRE,
    )
    handover_record(
        actor=edt, contact=contact, what_was_done="Police visited.", for_the_day_team="Call."
    )
    from screening import services as screening_services

    screening_services.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, level, route=Route.EARLY_HELP)
    [run] = [run for run in retention.retention_review() if contact.pk in run.contact_ids]
    retention.retention_approve(actor=manager, run=run)
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_erase(run_id=run.pk)
    handover = OutOfHoursHandover.objects.get(contact=contact)
    assert (handover.what_was_done, handover.for_the_day_team) == (retention.ERASED,) * 2
    assert handover.recorded_by == edt
