"""Writes for contacts, subjects and person records.

Keyword-only, typed, one transaction each. Every channel (web form, phone
consultation, contact centre, partner API, demo data) creates contacts through
``contact_submit`` so the same rules hold whichever way a concern arrives.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from frontdoor import events
from frontdoor.audit import audit_record
from frontdoor.census_codes import (
    ETHNICITY_NOT_OBTAINED,
    census_codes,
    return_year_key,
    return_year_of,
)
from frontdoor.limits import LIMITS
from frontdoor.models import Agency, AuditEvent, ReferralSource, User
from frontdoor.roles import Permission
from frontdoor.working_days import decision_due
from referrals import matching, selectors
from referrals.models import (
    ApiClient,
    Contact,
    ContactSubject,
    MatchCandidate,
    Person,
    ReferralDraft,
    Restriction,
)

ANONYMOUS_SOURCE_CODE = "9"
UNKNOWN_SOURCE_CODE = "10"


class ContactRejected(Exception):
    """A contact that breaks a rule no form or serializer should have let through."""


class IdempotencyKeyReused(ContactRejected):
    """The partner sent an Idempotency-Key again with a different body: a second concern
    under the first one's key, which must not be dropped in silence."""

    def __init__(self, contact: Contact) -> None:
        self.contact = contact
        super().__init__(
            f"This Idempotency-Key was already used, with a different body, for "
            f"{contact.reference}. Nothing new was recorded: send a new concern with a new "
            f"key; retry a failed send with the same key and exactly the same body."
        )


def _repeat_of(contact: Contact, body_sha256: str) -> tuple[Contact, bool]:
    # Contacts recorded before bodies were fingerprinted have none to compare.
    if contact.idempotency_body_sha256 and contact.idempotency_body_sha256 != body_sha256:
        raise IdempotencyKeyReused(contact)
    return contact, False


@dataclass(frozen=True)
class SubjectInput:
    role: ContactSubject.Role
    first_name: str
    last_name: str
    other_names: str = ""
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: str = "unknown"
    nhs_number: str = ""
    unique_pupil_number: str = ""
    address: str = ""
    postcode: str = ""
    relationship_to_children: str = ""
    # CIN census codes for a child: blank ethnicity and no disabilities are "not yet
    # obtained"; ["NONE"] is "no disability".
    ethnicity: str = ""
    disabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReferrerInput:
    """Who raised the concern when they have no account (or are anonymous)."""

    anonymous: bool = False
    name: str = ""
    role: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""
    referral_source_code: str = ""  # a CIN census code, when staff chose one


@dataclass(frozen=True)
class ContactInput:
    subjects: list[SubjectInput]
    concerns: str
    concern_categories: list[str]
    family_awareness: Contact.FamilyAwareness
    urgency: Contact.Urgency = Contact.Urgency.ROUTINE
    family_not_told_reason: str = ""
    referrer: ReferrerInput | None = None
    source_agency: Agency | None = None
    advice_given: str = ""
    advice_only: bool = False
    received_at: datetime | None = None


def _next_reference(year: int) -> str:
    # One statement, so concurrent submissions can never draw the same number.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO referrals_referencecounter (year, last_number) VALUES (%s, 1)
            ON CONFLICT (year) DO UPDATE
              SET last_number = referrals_referencecounter.last_number + 1
            RETURNING last_number
            """,
            [year],
        )
        (number,) = cursor.fetchone()
    return f"FD-{year}-{number:06d}"


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


DISABILITY_NONE = "NONE"


class CensusDetailsInvalid(ContactRejected):
    """A child's ethnicity or disabilities are not codes of the census year; says which."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name


def census_return_year(contact_received_at: datetime) -> int:
    """The census return year a contact belongs to (by its London date of receipt)."""
    return return_year_of(timezone.localdate(contact_received_at))


def census_details_clean(
    *, ethnicity: str, disabilities: Iterable[str], year: int
) -> tuple[str, list[str]]:
    """A child's ethnicity and disabilities as kept: codes of the return year's lists,
    NOBT kept as blank (one way to say "not yet obtained"), disabilities once each in
    the list's order, "NONE" only on its own. Raises CensusDetailsInvalid."""
    ethnicity = ethnicity.strip().upper()
    if ethnicity == ETHNICITY_NOT_OBTAINED:
        ethnicity = ""
    wanted = {code.strip().upper() for code in disabilities if code.strip()}
    if not ethnicity and not wanted:
        return "", []
    if ethnicity and ethnicity not in {c.code for c in census_codes("ethnicity", year)}:
        raise CensusDetailsInvalid(
            "ethnicity",
            f"{ethnicity} is not an ethnicity code in the {return_year_key(year)} census.",
        )
    known = [c.code for c in census_codes("disability", year)] if wanted else []
    unknown = sorted(wanted - set(known))
    if unknown:
        raise CensusDetailsInvalid(
            "disabilities",
            f"{', '.join(unknown)}: not a disability code in the {return_year_key(year)} census.",
        )
    if DISABILITY_NONE in wanted and len(wanted) > 1:
        raise CensusDetailsInvalid(
            "disabilities", "NONE (no disability) cannot be given with a disability."
        )
    return ethnicity, [code for code in known if code in wanted]


def _check(data: ContactInput, channel: Contact.Channel) -> None:
    if not any(subject.role in ContactSubject.CHILD_ROLES for subject in data.subjects):
        raise ContactRejected("A contact must be about at least one child.")
    if not data.concern_categories:
        raise ContactRejected("A contact needs at least one category of concern.")
    if data.advice_only and channel != Contact.Channel.PHONE_CONSULTATION:
        raise ContactRejected("Only a phone consultation can end as advice only.")


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
) -> tuple[Contact, bool]:
    """Record a contact and match its people; return (contact, created).

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
    _check(data, channel)
    received_at = data.received_at or timezone.now()
    referrer = data.referrer or ReferrerInput()
    census = [_subject_census(subject, received_at) for subject in data.subjects]
    # Everything that only reads comes first: taking the year's next reference locks
    # its counter until the caller commits, and every other intake waits for it.
    plans = [_match_find(subject) for subject in data.subjects]
    referral_source = _referral_source(referrer_account=referrer_account, data=data)
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                reference=_next_reference(timezone.localtime(received_at).year),
                received_at=received_at,
                decision_due_at=decision_due(received_at),
                channel=channel,
                status=Contact.Status.CLOSED if data.advice_only else Contact.Status.RECEIVED,
                source_agency=data.source_agency
                or (referrer_account.agency if referrer_account else None),
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
                family_awareness=data.family_awareness,
                family_not_told_reason=data.family_not_told_reason,
                advice_given=data.advice_given,
                advice_only=data.advice_only,
                recorded_by=actor,
                api_client=api_client,
                idempotency_key=idempotency_key,
                idempotency_body_sha256=idempotency_body_sha256 if idempotency_key else "",
            )
    except IntegrityError:
        if api_client is None or not idempotency_key:
            raise
        # A concurrent retry of the same submission got there first.
        return _repeat_of(
            Contact.objects.get(api_client=api_client, idempotency_key=idempotency_key),
            idempotency_body_sha256,
        )
    # One NHS number is one person: a number given twice on one contact (the forms and
    # the API refuse it; this guards every other caller) links both to the same record.
    by_nhs_number: dict[str, Person] = {}
    for position, (subject_input, plan, (ethnicity, disabilities)) in enumerate(
        zip(data.subjects, plans, census, strict=True)
    ):
        if plan.person is None and subject_input.nhs_number in by_nhs_number:
            plan = MatchPlan(person=by_nhs_number[subject_input.nhs_number])
        subject = _subject_create(
            contact=contact,
            position=position,
            given=subject_input,
            plan=plan,
            ethnicity=ethnicity,
            disabilities=disabilities,
        )
        if subject_input.nhs_number and subject.person is not None:
            by_nhs_number.setdefault(subject_input.nhs_number, subject.person)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        record_type="contact",
        record_id=contact.reference,
        via=f"intake:{channel}",
        detail={"subjects": len(data.subjects)},
    )
    events.publish(events.CONTACT_RECEIVED, contact=contact)
    return contact, True


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


def _person_census_fill(person: Person, subject: ContactSubject) -> None:
    """Give a linked person record the census details it lacks from what this contact
    says; what the record already holds (perhaps confirmed by a screener) stays."""
    changed = []
    if subject.ethnicity and not person.ethnicity:
        person.ethnicity = subject.ethnicity
        changed.append("ethnicity")
    if subject.disabilities and not person.disabilities:
        person.disabilities = list(subject.disabilities)
        changed.append("disabilities")
    if changed:
        person.save(update_fields=[*changed, "updated_at"])


def _person_from_subject(subject: ContactSubject) -> Person:
    return Person.objects.create(
        first_name=subject.first_name,
        last_name=subject.last_name,
        aliases=[subject.other_names] if subject.other_names else [],
        date_of_birth=subject.date_of_birth,
        expected_date_of_birth=subject.expected_date_of_birth,
        sex=subject.sex,
        nhs_number=subject.nhs_number,
        unique_pupil_number=subject.unique_pupil_number,
        address=subject.address,
        postcode=subject.postcode,
        ethnicity=subject.ethnicity,
        disabilities=list(subject.disabilities),
    )


@dataclass(frozen=True)
class MatchPlan:
    """What matching found for one person on a new contact, before anything is written."""

    person: Person | None = None  # the record with the same NHS number
    candidates: tuple[matching.Candidate, ...] = ()


def _match_find(subject: SubjectInput) -> MatchPlan:
    """Link by NHS number, or the likely matches a screener will confirm or reject
    (never linked without a person confirming them); neither: a new person record."""
    if subject.nhs_number:
        person = Person.objects.filter(nhs_number=subject.nhs_number).first()
        if person is not None:
            return MatchPlan(person=person)
    candidates = matching.likely_matches(
        first_name=subject.first_name.strip(),
        last_name=subject.last_name.strip(),
        date_of_birth=subject.date_of_birth or subject.expected_date_of_birth,
        postcode=subject.postcode,
    )
    return MatchPlan(candidates=tuple(candidates))


def _subject_create(
    *,
    contact: Contact,
    position: int,
    given: SubjectInput,
    plan: MatchPlan,
    ethnicity: str = "",
    disabilities: list[str] | None = None,
) -> ContactSubject:
    subject = ContactSubject(
        contact=contact,
        position=position,
        role=given.role,
        relationship_to_children=given.relationship_to_children,
        first_name=given.first_name.strip(),
        last_name=given.last_name.strip(),
        other_names=given.other_names.strip(),
        date_of_birth=given.date_of_birth,
        expected_date_of_birth=given.expected_date_of_birth,
        sex=given.sex,
        nhs_number=given.nhs_number,
        unique_pupil_number=given.unique_pupil_number,
        address=given.address,
        postcode=given.postcode,
        ethnicity=ethnicity,
        disabilities=disabilities or [],
    )
    if plan.person is not None:
        subject.person, subject.match_status = plan.person, ContactSubject.MatchStatus.NHS_NUMBER
        _person_census_fill(plan.person, subject)
    elif not plan.candidates:
        subject.person = _person_from_subject(subject)
        subject.match_status = ContactSubject.MatchStatus.NEW_PERSON
    subject.save()
    MatchCandidate.objects.bulk_create(
        MatchCandidate(subject=subject, person_id=c.person_id, score=c.score, reasons=c.reasons)
        for c in plan.candidates
    )
    return subject


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
    subject = ContactSubject.objects.select_for_update().get(pk=candidate.subject_id)
    if subject.match_status != ContactSubject.MatchStatus.UNMATCHED:
        raise ContactRejected("This person has already been matched.")
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
    alias = f"{subject.first_name} {subject.last_name}"
    if alias != person.full_name and alias not in person.aliases:
        person.aliases = [*person.aliases, alias]
        person.save(update_fields=["aliases", "updated_at"])
    _person_census_fill(person, subject)
    return subject


@transaction.atomic
def subject_census_set(
    *, actor: User, subject: ContactSubject, ethnicity: str, disabilities: list[str]
) -> ContactSubject:
    """Record a child's ethnicity and disabilities (CIN census codes of the contact's
    return year) on the contact and, when matched, on their person record: a
    screener asking the family is the better source, so it replaces what was there."""
    if not actor.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise ContactRejected("Your role does not allow this.")
    subject = (
        ContactSubject.objects.select_for_update(of=("self",))
        .select_related("contact", "person")
        .get(pk=subject.pk)
    )
    if not subject.is_child:
        raise ContactRejected("Ethnicity and disabilities are recorded for children only.")
    ethnicity, disabilities = census_details_clean(
        ethnicity=ethnicity,
        disabilities=disabilities,
        year=census_return_year(subject.contact.received_at),
    )
    changed = {
        name: value
        for name, value in (("ethnicity", ethnicity), ("disabilities", disabilities))
        if getattr(subject, name) != value
    }
    if not changed:
        return subject
    for name, value in changed.items():
        setattr(subject, name, value)
    subject.save(update_fields=list(changed))
    detail = {"subject": subject.pk, "fields": sorted(changed)}
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=subject.contact.reference,
        via="referrals.subject_census_set",
        detail=detail,
    )
    person = subject.person
    if person is not None:
        person.ethnicity, person.disabilities = ethnicity, disabilities
        person.save(update_fields=["ethnicity", "disabilities", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record_type="person",
            record_id=person.pk,
            via="referrals.subject_census_set",
            detail=detail,
        )
    return subject


@transaction.atomic
def person_upn_set(*, actor: User, person: Person, unique_pupil_number: str) -> Person:
    """Add or correct a child's Unique Pupil Number on their person record after
    intake: the census sends the person's before any a referrer gave. ``upn`` is
    already checked (``validators.clean_unique_pupil_number``). Audited by field, not
    value: the log says that the number changed; the record's history keeps what it was."""
    if not actor.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise ContactRejected("Your role does not allow this.")
    if Restriction.objects.closed_to(actor).filter(person_id=person.pk).exists():
        raise ContactRejected("This record is restricted to named people.")
    if not unique_pupil_number:
        raise ContactRejected("Enter the Unique Pupil Number")
    if not selectors.person_is_a_child(person):
        raise ContactRejected("Only a child on a contact has a Unique Pupil Number.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.unique_pupil_number == unique_pupil_number:
        return person
    was = "blank" if not person.unique_pupil_number else "another number"
    person.unique_pupil_number = unique_pupil_number
    person.save(update_fields=["unique_pupil_number", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="person",
        record_id=person.pk,
        via="referrals.person_upn_set",
        detail={"fields": ["unique_pupil_number"], "was": was},
    )
    return person


@transaction.atomic
def match_reject_all(*, actor: User, subject: ContactSubject) -> ContactSubject:
    """None of the candidates is this person: start a new person record."""
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
    return subject


def draft_save(*, owner: User, kind: str, data: dict[str, list[str]]) -> ReferralDraft:
    """Keep the answers as typed, less any null character: PostgreSQL's JSON cannot hold
    one, and no keyboard types one (it comes from pasting from a damaged file). The form
    that carried it says so on the field (Django's CharField refuses NUL)."""
    data = {
        key.replace("\x00", ""): [str(value).replace("\x00", "") for value in values]
        for key, values in data.items()
    }
    draft, _ = ReferralDraft.objects.update_or_create(
        owner=owner, kind=kind, defaults={"data": data}
    )
    return draft


def draft_discard(*, owner: User, kind: str) -> None:
    ReferralDraft.objects.filter(owner=owner, kind=kind).delete()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, name: str, account: User) -> tuple[ApiClient, str]:
    """Register a partner system; return it and its token (shown only this once)."""
    prefix = secrets.token_hex(4)
    token = f"fd_{prefix}_{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(
        name=name, account=account, token_prefix=prefix, token_hash=_hash_token(token)
    )
    return client, token


API_CLIENT_LAST_USED_TO = timedelta(minutes=1)


def api_client_authenticate(*, token: str) -> ApiClient | None:
    client = (
        ApiClient.objects.select_related("account", "account__agency")
        .filter(token_hash=_hash_token(token), is_active=True, account__is_active=True)
        .first()
    )
    now = timezone.now()
    # "Last used" to the minute: a write (and a commit) on every call would make a
    # busy partner's requests queue behind each other for its one row.
    if client is not None and (
        client.last_used_at is None or now - client.last_used_at >= API_CLIENT_LAST_USED_TO
    ):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def contact_status_set(*, contact: Contact, status: Contact.Status) -> Contact:
    """Move a contact along its workflow (screening calls this; it guards the moves)."""
    Contact.objects.filter(pk=contact.pk).update(status=status, updated_at=timezone.now())
    contact.status = status
    return contact


RESTRICTION_REVIEW_EVERY = timedelta(days=91)


class RestrictionRefused(Exception):
    """The restriction cannot be made or changed; the message says why."""


class RestrictionNotNamed(RestrictionRefused):
    """The actor is not named on the restriction, so may not review or lift it."""

    def __init__(self, restriction: Restriction, what: str):
        super().__init__(f"Only the people named on a restriction can {what} it.")
        self.restriction = restriction
        self.what = what


def _require_manager(actor: User) -> None:
    if not actor.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise RestrictionRefused("Only a manager can restrict a record or lift a restriction.")


@transaction.atomic
def restriction_add(
    *,
    actor: User,
    reason: str,
    ask: User,
    allowed: list[User],
    review_due: date,
    contact: Contact | None = None,
    person: Person | None = None,
) -> Restriction:
    """Restrict a contact or a person record to the named people (and whom to ask)."""
    _require_manager(actor)
    if (contact is None) == (person is None):
        raise RestrictionRefused("Restrict one record: a contact or a person.")
    if len(reason.strip()) < 10:
        raise RestrictionRefused("Say why the record is restricted.")
    if review_due <= timezone.localdate():
        raise RestrictionRefused("The review date must be in the future.")
    restriction = Restriction.objects.create(
        contact=contact,
        person=person,
        reason=reason.strip(),
        ask=ask,
        created_by=actor,
        review_due=review_due,
    )
    restriction.allowed.set({*allowed, actor, ask})
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact" if contact else "person",
        record_id=contact.reference if contact else person.pk,
        via="referrals.restriction_add",
        detail={
            "restriction": restriction.pk,
            "allowed": sorted(u.pk for u in restriction.allowed.all()),
        },
    )
    return restriction


def _active_for_update(restriction: Restriction) -> Restriction:
    return (
        Restriction.objects.select_for_update(of=("self",))
        .select_related("contact", "ask")
        .get(pk=restriction.pk, lifted_at=None)
    )


@transaction.atomic
def restriction_review(*, actor: User, restriction: Restriction) -> Restriction:
    """Keep a restriction after review; the next review is three months on. Only a
    manager named on it knows why it was made, so only they can judge it still needed."""
    _require_manager(actor)
    restriction = _active_for_update(restriction)
    if not restriction.opens_for(actor):
        raise RestrictionNotNamed(restriction, "review")
    restriction.reviewed_at = timezone.now()
    restriction.review_due = timezone.localdate() + RESTRICTION_REVIEW_EVERY
    restriction.save(update_fields=["reviewed_at", "review_due"])
    _audit_restriction(actor, restriction, "reviewed")
    return restriction


@transaction.atomic
def restriction_lift(*, actor: User, restriction: Restriction, reason: str = "") -> Restriction:
    """Lift a restriction: a manager named on it, or a head of service (a manager with
    ``lift_any_restriction``) who says why, for when the named people have left or
    cannot be reached. The reason is kept on the restriction and in its history."""
    _require_manager(actor)
    restriction = _active_for_update(restriction)
    named = restriction.opens_for(actor)
    if not named:
        if not actor.has_perm(Permission.LIFT_ANY_RESTRICTION.perm):
            raise RestrictionNotNamed(restriction, "lift")
        if len(reason.strip()) < 10:
            raise RestrictionRefused("Say why you are lifting a restriction you are not named on.")
    if len(reason) > LIMITS.reason:
        raise RestrictionRefused(
            f"The reason must be {LIMITS.reason:,} characters or fewer (it has {len(reason):,})."
        )
    restriction.lifted_at, restriction.lifted_by = timezone.now(), actor
    restriction.lift_reason = reason.strip()
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    _audit_restriction(actor, restriction, "lifted", named=named)
    return restriction


def _audit_restriction(actor: User, restriction: Restriction, what: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact" if restriction.contact_id else "person",
        record_id=restriction.contact.reference
        if restriction.contact_id
        else restriction.person_id,
        via=f"referrals.restriction_{what}",
        detail={"restriction": restriction.pk, **detail},
    )


def restrictions_due_count(*, on: date | None = None) -> int:
    """How many restrictions are due for review (for the daily job and managers' home)."""
    return Restriction.objects.filter(
        lifted_at__isnull=True, review_due__lte=on or timezone.localdate()
    ).count()
