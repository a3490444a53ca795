"""Intake: every channel (web form, phone consultation, contact centre, partner API,
demo data) creates contacts through ``contact_submit`` so the same rules hold whichever
way a concern arrives; the people on a contact are matched to person records here too,
at intake and when a screener confirms or rejects the likely matches."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_record
from frontdoor.models import AuditEvent, ReferralSource, User
from frontdoor.roles import is_out_of_hours_recorder
from frontdoor.working_days import response_due
from referrals import matching
from referrals.models import (
    ApiClient,
    Contact,
    ContactSubject,
    MatchCandidate,
    Pathway,
    Person,
    Restriction,
)
from referrals.models.people import alias_of
from referrals.services.census import census_details_clean, census_return_year
from referrals.services.inputs import (
    ContactInput,
    ContactRejected,
    IdempotencyKeyReused,
    ReferrerInput,
    SubjectInput,
)
from referrals.services.intake_people import (
    MatchPlan,
    _person_census_fill,
    _person_from_subject,
    contact_people_write,
)
from referrals.services.locks import contact_people_locked, people_locked
from referrals.services.relationships import relationships_suggest

ANONYMOUS_SOURCE_CODE = "9"

UNKNOWN_SOURCE_CODE = "10"


def _repeat_of(contact: Contact, body_sha256: str) -> tuple[Contact, bool]:
    # Contacts recorded before bodies were fingerprinted have none to compare.
    if contact.idempotency_body_sha256 and contact.idempotency_body_sha256 != body_sha256:
        raise IdempotencyKeyReused(contact)
    return contact, False


def _next_reference(year: int) -> str:
    return next_references(year, 1)[0]


def next_references(year: int, count: int) -> list[str]:
    """The year's next ``count`` references, in order: FD-2026-000001, FD-2026-000002, …
    Unique however many intakes draw at once, and no intake waits for another's
    commit. A contact that is not recorded after all leaves its number unused."""
    return [f"FD-{year}-{number:06d}" for number in reference_numbers(year, count)]


def reference_numbers(year: int, count: int) -> list[int]:
    """The year's next ``count`` reference numbers, in order, from its PostgreSQL
    sequence (docs/adr/0050). The year's first draw makes that sequence first, on a
    connection of its own that commits at once: made in the caller's transaction, it
    would stay uncommitted until the caller's commit, and every other intake of the year
    would wait for it."""
    numbers = _numbers_drawn(year, count)
    if not numbers:
        opener = connection.copy()  # the same database and role, its own session
        try:
            with opener.cursor() as cursor:  # in autocommit
                cursor.execute("SELECT referrals_reference_year_open(%s)", [year])
        finally:
            opener.close()
        numbers = _numbers_drawn(year, count)
    return numbers


def _numbers_drawn(year: int, count: int) -> list[int]:
    """None when the year has no sequence yet."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT referrals_reference_numbers(%s, %s)", [year, count])
        return [number for (number,) in cursor.fetchall()]


def _referral_source(*, referrer_account: User | None, data: ContactInput) -> ReferralSource:
    """The census code: anonymous, else the account's agency, else the code staff
    chose for the person who called, else the named agency's, else unknown."""
    referrer = data.referrer
    if referrer is not None and referrer.anonymous:
        return ReferralSource.objects.get(code=ANONYMOUS_SOURCE_CODE)
    if referrer_account is not None and referrer_account.agency_id:
        return referrer_account.agency.referral_source
    if referrer is not None and referrer.referral_source_code:
        return ReferralSource.objects.get(code=referrer.referral_source_code)
    if data.source_agency is not None:
        return data.source_agency.referral_source
    return ReferralSource.objects.get(code=UNKNOWN_SOURCE_CODE)


def _from_account(referrer: ReferrerInput, account: User) -> ReferrerInput:
    """A referring professional's details as they stand when they send it: what the
    form asked (what the account lacked) and the rest from the account. Kept on the
    contact, so it still says who sent it after they change job or agency. (A partner
    system's account is not the person: the API's referrer block stands alone.)"""
    return replace(
        referrer,
        name=referrer.name or account.full_name,
        role=referrer.role or account.job_title,
        organisation=referrer.organisation or (account.agency.name if account.agency_id else ""),
        phone=referrer.phone or account.phone,
        email=referrer.email or account.email,
    )


def _check(data: ContactInput, channel: Contact.Channel, actor: User) -> None:
    """The rules every contact meets, whichever way it is recorded (``contact_submit``
    and ``contacts_submit_many`` both ask)."""
    if data.out_of_hours and not is_out_of_hours_recorder(actor):
        raise ContactRejected("Only the emergency duty team records contacts out of hours.")
    # An allegation against an adult (LADO) may name no child yet (docs/adr/0046).
    if data.pathway != Pathway.LADO and not any(
        subject.role in ContactSubject.CHILD_ROLES for subject in data.subjects
    ):
        raise ContactRejected("A contact must be about at least one child.")
    if not data.concern_categories:
        raise ContactRejected("A contact needs at least one category of concern.")
    if data.advice_only and channel != Contact.Channel.PHONE_CONSULTATION:
        raise ContactRejected("Only a phone consultation can end as advice only.")
    for subject in data.subjects:
        problem = subject.child_voice_problem()
        if problem:
            raise ContactRejected(problem)


@transaction.atomic
def contact_submit(
    *,
    actor: User,
    data: ContactInput,
    channel: Contact.Channel,
    referrer_account: User | None = None,
    api_client: ApiClient | None = None,
    idempotency_key: str = "",
    idempotency_body_sha256: str = "",
    acknowledge: bool = True,
) -> tuple[Contact, bool]:
    """Record a contact and match its people; return (contact, created). A contact
    just recorded carries its people as saved, in order, in ``recorded_subjects``
    (a repeat's is None: read them).
    ``acknowledge`` false: the sender is told once for many (a force's file), not for
    this one (``CONTACT_RECEIVED``'s flag).

    With an ``api_client`` and ``idempotency_key``, a repeat of an earlier
    submission returns the contact it created instead of making another; the same key
    with a different body (``idempotency_body_sha256``) raises ``IdempotencyKeyReused``.
    """
    if api_client is not None and idempotency_key:
        existing = Contact.objects.filter(
            api_client=api_client, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return _repeat_of(existing, idempotency_body_sha256)
    _check(data, channel, actor)
    received_at = data.received_at or timezone.now()
    referrer = data.referrer or ReferrerInput()
    if referrer_account is not None and api_client is None:
        referrer = _from_account(referrer, referrer_account)
    census = [_subject_census(subject, received_at) for subject in data.subjects]
    plans = _plans_locked([_match_find(subject) for subject in data.subjects], data.subjects)
    referral_source = _referral_source(referrer_account=referrer_account, data=data)
    # A savepoint only where a concurrent retry of the same API submission may collide
    # (the idempotency key's constraint); any other failure fails the whole contact.
    collide = transaction.atomic() if api_client is not None and idempotency_key else nullcontext()
    try:
        with collide:
            contact = contact_row(
                actor=actor,
                data=data,
                channel=channel,
                referrer=referrer,
                referrer_account=referrer_account,
                referral_source=referral_source,
                reference=_next_reference(timezone.localtime(received_at).year),
                received_at=received_at,
                api_client=api_client,
                idempotency_key=idempotency_key,
                idempotency_body_sha256=idempotency_body_sha256,
            )
            contact.save(force_insert=True)
    except IntegrityError:
        if api_client is None or not idempotency_key:
            raise
        # A concurrent retry of the same submission got there first.
        return _repeat_of(
            Contact.objects.get(api_client=api_client, idempotency_key=idempotency_key),
            idempotency_body_sha256,
        )
    # The people in three statements however many, as a force's file writes them. One
    # NHS number is one person: a number given twice on one contact (the forms and the
    # API refuse it; this guards every other caller) links both to the same record.
    kept = [(None, data, received_at, referrer, census, plans)]
    subjects = contact_people_write(kept, [contact])[contact.pk]
    # The people already linked to records: their relationships' first guesses.
    relationships_suggest(actor=actor, contact=contact, subjects=subjects)
    contact.recorded_subjects = subjects
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="contact",
        record_id=contact.reference,
        via=f"intake:{channel}",
        detail={"subjects": len(data.subjects)},
    )
    events.publish(events.CONTACT_RECEIVED, contact=contact, acknowledge=acknowledge)
    return contact, True


def contact_row(
    *,
    actor: User,
    data: ContactInput,
    channel: Contact.Channel,
    referrer: ReferrerInput,
    referrer_account: User | None,
    referral_source: ReferralSource,
    reference: str,
    received_at: datetime,
    api_client: ApiClient | None = None,
    idempotency_key: str = "",
    idempotency_body_sha256: str = "",
) -> Contact:
    """The contact's row as intake writes it (not yet saved): the batch intake of a
    force's file writes many at once."""
    return Contact(
        reference=reference,
        received_at=received_at,
        decision_due_at=data.decision_due_at
        or response_due(received_at, immediate=data.urgency == Contact.Urgency.IMMEDIATE),
        channel=channel,
        status=Contact.Status.CLOSED if data.advice_only else Contact.Status.RECEIVED,
        source_agency=data.source_agency or (referrer_account.agency if referrer_account else None),
        referral_source=referral_source,
        referrer=referrer_account,
        referrer_anonymous=referrer.anonymous,
        referrer_name="" if referrer.anonymous else referrer.name,
        referrer_role="" if referrer.anonymous else referrer.role,
        referrer_organisation="" if referrer.anonymous else referrer.organisation,
        referrer_phone="" if referrer.anonymous else referrer.phone,
        referrer_email="" if referrer.anonymous else referrer.email,
        concerns=data.concerns,
        concern_categories=list(data.concern_categories),
        urgency=data.urgency,
        became_immediate_at=received_at if data.urgency == Contact.Urgency.IMMEDIATE else None,
        family_awareness=data.family_awareness,
        family_not_told_reason=data.family_not_told_reason,
        advice_given=data.advice_given,
        advice_only=data.advice_only,
        out_of_hours=data.out_of_hours,
        pathway=data.pathway,
        recorded_by=actor,
        api_client=api_client,
        idempotency_key=idempotency_key,
        idempotency_body_sha256=idempotency_body_sha256 if idempotency_key else "",
    )


def _subject_census(subject: SubjectInput, received_at: datetime) -> tuple[str, list[str]]:
    """The child's census details, checked against the contact's return year."""
    if not subject.ethnicity and not subject.disabilities:
        return "", []
    if subject.role not in ContactSubject.CHILD_ROLES:
        raise ContactRejected("Ethnicity and disabilities are recorded for children only.")
    return census_details_clean(
        ethnicity=subject.ethnicity,
        disabilities=subject.disabilities,
        year=census_return_year(received_at),
    )


def _match_find(subject: SubjectInput) -> MatchPlan:
    """Link by NHS number, or the likely matches a screener will confirm or reject
    (never linked without a person confirming them); neither: a new person record."""
    if subject.nhs_number:
        person = Person.objects.current().filter(nhs_number=subject.nhs_number).first()
        if person is not None:
            return MatchPlan(person=person)
    candidates = matching.likely_matches(
        first_name=subject.first_name.strip(),
        last_name=subject.last_name.strip(),
        date_of_birth=subject.date_of_birth or subject.expected_date_of_birth,
        postcode=subject.postcode,
    )
    return MatchPlan(candidates=tuple(candidates))


def _plans_locked(plans: list[MatchPlan], subjects: list[SubjectInput]) -> list[MatchPlan]:
    """The records found by NHS number, locked (all at once, lower id first) until the
    contact is recorded, so a merge of one waits for the link or the link for the
    merge. One merged while it was read is found again: the kept record took its NHS
    number."""
    for _ in range(3):
        locked = people_locked(plan.person.pk for plan in plans if plan.person is not None)
        stale = [
            i
            for i, plan in enumerate(plans)
            if plan.person is not None and locked[plan.person.pk].merged_into_id is not None
        ]
        if not stale:
            return [
                MatchPlan(person=locked[plan.person.pk]) if plan.person is not None else plan
                for plan in plans
            ]
        plans = [_match_find(subjects[i]) if i in stale else plan for i, plan in enumerate(plans)]
    raise ContactRejected(
        "A person on this contact was being merged with another record: send it again."
    )


def _audit_match(actor: User, subject: ContactSubject, *, via: str, match: str) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=subject.contact.reference,
        via=via,
        detail={"subject": subject.pk, "person": subject.person_id, "match": match},
    )


@transaction.atomic
def match_confirm(*, actor: User, candidate: MatchCandidate) -> ContactSubject:
    # People first, then the subject (a merge's order): a merge of this record waits
    # for the link, or the link for the merge and then sees the tombstone.
    contact_id = ContactSubject.objects.values_list("contact_id", flat=True).get(
        pk=candidate.subject_id
    )
    people = contact_people_locked(contact_id, candidate.person_id)
    subject = ContactSubject.objects.select_for_update().get(pk=candidate.subject_id)
    if subject.match_status != ContactSubject.MatchStatus.UNMATCHED:
        raise ContactRejected("This person has already been matched.")
    if people[candidate.person_id].merged_into_id is not None:
        raise ContactRejected(
            "That person record has been merged into another one: ask for the match to be "
            "looked at again."
        )
    if Restriction.objects.closed_to(actor).filter(person_id=candidate.person_id).exists():
        raise ContactRejected("This person's record is restricted: ask whoever is named on it.")
    now = timezone.now()
    candidate.decision = MatchCandidate.Decision.CONFIRMED
    candidate.decided_by, candidate.decided_at = actor, now
    candidate.save(update_fields=["decision", "decided_by", "decided_at"])
    subject.match_candidates.exclude(pk=candidate.pk).filter(
        decision=MatchCandidate.Decision.PENDING
    ).update(decision=MatchCandidate.Decision.REJECTED, decided_by=actor, decided_at=now)
    subject.person_id = candidate.person_id
    subject.match_status = ContactSubject.MatchStatus.CONFIRMED
    subject.save(update_fields=["person", "match_status"])
    _audit_match(actor, subject, via="referrals.match_confirm", match="confirmed")
    person = subject.person
    alias = alias_of(f"{subject.first_name} {subject.last_name}")
    if alias != person.full_name and alias not in person.aliases:
        person.aliases = [*person.aliases, alias]
        person.save(update_fields=["aliases", "updated_at"])
    _person_census_fill(person, subject)
    relationships_suggest(actor=actor, contact=subject.contact)
    events.publish(events.SUBJECT_MATCHED, subject=subject)
    return subject


@transaction.atomic
def match_reject_all(*, actor: User, subject: ContactSubject) -> ContactSubject:
    """None of the candidates is this person: start a new person record."""
    contact_people_locked(subject.contact_id)  # for the relationships suggested below
    subject = ContactSubject.objects.select_for_update().get(pk=subject.pk)
    if subject.match_status != ContactSubject.MatchStatus.UNMATCHED:
        raise ContactRejected("This person has already been matched.")
    subject.match_candidates.filter(decision=MatchCandidate.Decision.PENDING).update(
        decision=MatchCandidate.Decision.REJECTED, decided_by=actor, decided_at=timezone.now()
    )
    subject.person = _person_from_subject(subject)
    subject.match_status = ContactSubject.MatchStatus.NEW_PERSON
    subject.save(update_fields=["person", "match_status"])
    _audit_match(actor, subject, via="referrals.match_reject_all", match="new_person")
    relationships_suggest(actor=actor, contact=subject.contact)
    events.publish(events.SUBJECT_MATCHED, subject=subject)
    return subject
