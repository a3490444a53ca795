"""A child with a history for the chronology's tests: contacts with every kind of entry,
made through the services, and (for the long-history tests) many older contacts with a
decision and a notice each, written in bulk as the synthetic data does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db.models import F
from django.utils import timezone

from frontdoor.models import ReferralSource, User
from outcomes.downstream import OutcomeEventInput, outcome_event_record
from outcomes.models import DownstreamOutcome, Notice
from referrals import services as referral_services
from referrals.models import Contact, ContactSubject, Person
from screening import services as screening_services
from screening import services_checks
from screening import services_log as log_services
from screening.meetings import services as meeting_services
from screening.models import ComplexCaseEntry, ContactLogEntry, Decision, Route, ThresholdLevel
from tests.factories import child_input, submit_contact
from tests.support.checks import consented
from tests.support.screening import decide

NHS_NUMBER = "9434765919"


@dataclass
class History:
    person: Person
    contacts: list[Contact]


def full_contact(
    *,
    referrer: User,
    screener: User,
    manager: User,
    member: User,
    meeting_day: date,
    nhs: str,
    name: tuple[str, str],
) -> Contact:
    """A contact about the child that has been through everything: a check asked and
    answered, a complex-case meeting, a decision a manager approved, notices, and an
    assessment completed afterwards."""
    contact = submit_contact(
        referrer,
        subjects=[child_input(nhs_number=nhs, first_name=name[0], last_name=name[1])],
        concern_categories=["child_exploitation"],
    )
    screening_services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=member.agency,
        question="Anything known?",
        sharing=consented(),
    )
    services_checks.check_answer(actor=member, check=check, response="Two call-outs in May.")
    run, _ = meeting_services.complex_case_run(meeting_date=meeting_day, slot=time(9, 30))
    entry = run.entries.get(contact=contact)
    meeting_services.meeting_outcome_record(
        actor=manager,
        entry=entry,
        outcome=ComplexCaseEntry.Outcome.MORE_INFORMATION,
        actions="Ask the school nurse.",
        owners="Sam",
        action=meeting_services.ActionInput(
            "Ask the school nurse.", manager, timezone.localdate() + timedelta(days=7)
        ),
    )
    logged = log_services.log_entry_record(
        actor=screener,
        contact=contact,
        data=log_services.LogInput(
            with_whom=ContactLogEntry.WithWhom.AGENCY,
            agency=member.agency,
            with_name="DS Khan",
            how=ContactLogEntry.How.PHONE,
            occurred_at=timezone.now(),
            note="DS Khan confirmed the call-outs in May.",
        ),
    )
    log_services.log_entry_correct(
        actor=screener,
        entry=logged,
        data=log_services.LogInput(
            with_whom=ContactLogEntry.WithWhom.AGENCY,
            agency=member.agency,
            with_name="DC Patel",
            how=ContactLogEntry.How.PHONE,
            occurred_at=timezone.now(),
            note="DC Patel confirmed the call-outs in May.",
        ),
        reason="It was DC Patel, not DS Khan.",
    )
    decision = decide(
        screener, contact, ThresholdLevel.objects.get(number=3), route=Route.SOCIAL_CARE_ASSESSMENT
    )
    screening_services.decision_approve(actor=manager, decision=decision, comment="Agreed.")
    outcome_event_record(
        actor=manager,
        data=OutcomeEventInput(
            contact_reference=contact.reference,
            child="1",
            event=DownstreamOutcome.Event.ASSESSMENT_COMPLETED,
            occurred_on=timezone.localdate(),
            assessment_outcome=DownstreamOutcome.AssessmentOutcome.CHILD_IN_NEED,
            factors=("3A",),
        ),
        source=DownstreamOutcome.Source.FORM,
    )
    return contact


def older_contacts(*, person: Person, recorder: User, count: int) -> list[Contact]:
    """``count`` earlier contacts about ``person``, each decided (information and
    advice) with a notice to the referrer: a long history, in a few bulk inserts."""
    if count == 0:
        return []
    now = timezone.now()
    source = ReferralSource.objects.get(code="2A")
    contacts = Contact.objects.bulk_create(
        Contact(
            reference=f"FD-2019-{number:06d}",
            received_at=now - timedelta(days=30 + number),
            decision_due_at=now - timedelta(days=29 + number),
            channel=Contact.Channel.EMAIL,
            status=Contact.Status.DECIDED,
            referral_source=source,
            recorded_by=recorder,
            concerns="Worried about the child's attendance.",
            concern_categories=["neglect"],
            family_awareness=Contact.FamilyAwareness.AWARE_CONSENTED,
        )
        for number in range(1, count + 1)
    )
    ContactSubject.objects.bulk_create(
        ContactSubject(
            contact=contact,
            person=person,
            role=ContactSubject.Role.CHILD,
            first_name=person.first_name,
            last_name=person.last_name,
            date_of_birth=person.date_of_birth,
            match_status=ContactSubject.MatchStatus.CONFIRMED,
        )
        for contact in contacts
    )
    level = ThresholdLevel.objects.get(number=2)
    Decision.objects.bulk_create(
        Decision(
            contact=contact,
            route=Route.INFORMATION_AND_ADVICE,
            threshold_level=level,
            rationale="Attendance is improving; the school is supporting the family.",
            family_notice=Decision.FamilyNotice.NOTIFY,
            decided_by=recorder,
            decided_at=contact.received_at + timedelta(hours=3),
            approval=Decision.Approval.NOT_NEEDED,
        )
        for contact in contacts
    )
    Notice.objects.bulk_create(
        Notice(
            contact=contact,
            kind=Notice.Kind.OUTCOME,
            audience=Notice.Audience.REFERRER,
            channel=Notice.Channel.EMAIL,
            recipient="school@example.org",
            status=Notice.Status.SENT,
            sent_at=contact.received_at + timedelta(hours=4),
        )
        for contact in contacts
    )
    # created_at is auto_now_add: set it to the moment the notice went.
    Notice.objects.filter(contact__in=contacts).update(created_at=F("sent_at"))
    return contacts


def child_with_history(
    *,
    referrer: User,
    screener: User,
    manager: User,
    member: User,
    full: int = 3,
    older: int = 0,
    nhs: str = NHS_NUMBER,
    meetings_from: date = date(2026, 11, 2),
    name: tuple[str, str] = ("Amelia", "Harrison"),
) -> History:
    """A child with ``full`` contacts through everything (and a restriction made and
    lifted on their record) plus ``older`` earlier contacts. A second child in one test
    needs other ``meetings_from`` (a meeting slot is made once)."""
    contacts = [
        full_contact(
            referrer=referrer,
            screener=screener,
            manager=manager,
            member=member,
            meeting_day=meetings_from + timedelta(days=number),
            nhs=nhs,
            name=name,
        )
        for number in range(full)
    ]
    person = contacts[0].subjects.get().person
    restriction = referral_services.restriction_add(
        actor=manager,
        person=person,
        reason="A member of staff's family.",
        ask=manager,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    referral_services.restriction_lift(actor=manager, restriction=restriction)
    older_contacts(person=person, recorder=screener, count=older)
    return History(person=person, contacts=contacts)
