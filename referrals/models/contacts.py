"""Contacts and the people on them as the referrer gave them, with the candidates
matching offers for each (person records are in ``people``)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models

from frontdoor.models import Agency, ReferralSource
from referrals.models.people import Person, Sex


class ConcernCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"
    SEXUAL_ABUSE = "sexual_abuse", "Sexual abuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health", "Parental mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    MISSING_FROM_HOME = "missing_from_home", "Missing from home"
    CHILD_EXPLOITATION = "child_exploitation", "Child exploitation"
    OTHER = "other", "Other"


class Pathway(models.TextChoices):
    """Specialist pathways (docs/adr/0046): contacts the front door records and answers
    but that are not referrals to children's social care. Each has its own short form,
    clock and outcomes (``screening/pathways.py``); they are counted apart: never in the
    scorecard, the census's referrals, re-referrals or Annex A List 3
    (``screening.models.is_referral``, the one definition)."""

    LADO = "lado", "Allegation against an adult who works with children (LADO)"
    PRIVATE_FOSTERING = "private_fostering", "Private fostering notification"
    NRPF = "nrpf", "Family with no recourse to public funds"
    UNACCOMPANIED = "unaccompanied", "Unaccompanied child"
    INFORMATION_REQUEST = "information_request", "Request for information from another council"
    CP_TRANSFER_IN = "cp_transfer_in", "Child protection transfer in"


# A front-door contact, as against a specialist pathway's: the filter for querysets
# over contacts (``FRONT_DOOR``) and over rows naming one (``front_door("contact")``).
def front_door(contact: str = "") -> models.Q:
    return models.Q(**{f"{contact}__pathway" if contact else "pathway": ""})


FRONT_DOOR = front_door()


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Contact(models.Model):
    class Channel(models.TextChoices):
        ONLINE_FORM = "online_form", "Online form"
        PHONE_CONSULTATION = "phone_consultation", "Phone consultation"
        EMAIL = "email", "Email"
        POLICE_NOTIFICATION = "police_notification", "Police notification"
        PARTNER_API = "partner_api", "Partner system"
        CONTACT_CENTRE = "contact_centre", "Contact centre"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_SCREENING = "in_screening", "In screening"
        AWAITING_CHECKS = "awaiting_checks", "Awaiting checks"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        DECIDED = "decided", "Decided"
        CLOSED = "closed", "Closed"
        # Ended before any decision stood: not a referral (docs/adr/0036).
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Urgency(models.TextChoices):
        IMMEDIATE = "immediate", "Today: I think the child may be at risk of significant harm"
        SOON = "soon", "Within one working day"
        ROUTINE = "routine", "Routine"

    class FamilyAwareness(models.TextChoices):
        AWARE_CONSENTED = "aware_consented", "Yes, and they agreed to it"
        AWARE_NOT_CONSENTED = "aware_not_consented", "Yes, but they did not agree to it"
        NOT_AWARE = "not_aware", "No"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_at = models.DateTimeField(db_index=True)
    decision_due_at = models.DateTimeField(
        help_text="One working day after receipt (frontdoor.working_days.decision_due)."
    )
    channel = models.CharField(max_length=30, choices=Channel.choices)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)

    source_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    referral_source = models.ForeignKey(
        ReferralSource, on_delete=models.PROTECT, related_name="contacts"
    )
    # The referrer: an account holder, or someone described, or nobody (anonymous).
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_contacts",
    )
    referrer_anonymous = models.BooleanField(default=False)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(
        max_length=200, blank=True, help_text="Job title, or relationship to the child."
    )
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=30, blank=True)
    referrer_email = models.EmailField(blank=True)

    concerns = models.TextField()
    concern_categories = ArrayField(
        models.CharField(max_length=40, choices=ConcernCategory.choices), default=list
    )
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE)
    # When the contact became immediate risk: its receipt, or the police re-send that
    # raised it (referrals.services.police_resend); empty while it is not. The clock an
    # immediate-risk contact not taken is measured on (outcomes/alerts/scan.py).
    became_immediate_at = models.DateTimeField(null=True, blank=True)
    family_awareness = models.CharField(max_length=30, choices=FamilyAwareness.choices)
    family_not_told_reason = models.TextField(blank=True)

    # Phone consultations (advice and duty): the conversation is the contact.
    advice_given = models.TextField(blank=True)
    advice_only = models.BooleanField(
        default=False, help_text="Ended as advice in the conversation; not screened further."
    )
    # A specialist pathway's contact (docs/adr/0046), or "" for the front door's own.
    pathway = models.CharField(
        max_length=30, choices=Pathway.choices, blank=True, default="", db_default=""
    )

    # Recorded by the emergency duty team out of hours (docs/adr/0044): marked "from EDT"
    # with its handover, and at the top of the queue until a screener takes it.
    out_of_hours = models.BooleanField(
        default=False,
        # In the database too: the synthetic data's COPY lists its columns.
        db_default=False,
        help_text="Recorded by the emergency duty team out of hours.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="recorded_contacts",
        help_text="Who keyed the contact in (the referrer for the online form).",
    )
    api_client = models.ForeignKey(
        "ApiClient", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    case_system_id = models.CharField(
        max_length=100,
        blank=True,
        # A default in the database too: the synthetic data's COPY lists its columns.
        db_default="",
        help_text="The council's case-management system's own id for this contact, "
        "as that system sent it, so staff can find it there.",
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    idempotency_body_sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the API body sent with the key (sorted-keys JSON), so a "
        "reuse of the key with a different body is refused rather than dropped.",
    )
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its personal details were erased under the retention policy.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_client", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="contact_idempotency_key_unique_per_client",
            ),
            models.CheckConstraint(
                condition=~models.Q(concern_categories=[]),
                name="contact_has_a_concern_category",
            ),
            models.CheckConstraint(
                condition=models.Q(family_awareness="aware_consented")
                | ~models.Q(family_not_told_reason=""),
                name="contact_reason_when_family_not_consenting",
            ),
            models.CheckConstraint(
                condition=models.Q(advice_only=False) | models.Q(channel="phone_consultation"),
                name="contact_advice_only_is_a_phone_consultation",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="contact_status_received_idx"),
            models.Index(fields=["status", "decision_due_at"], name="contact_status_due_idx"),
            models.Index(fields=["referrer", "-received_at"], name="contact_referrer_idx"),
            models.Index(
                fields=["source_agency", "-received_at"], name="contact_agency_received_idx"
            ),
            # Words in the concern (referrals.search.CONCERN_VECTOR builds the same).
            GinIndex(SearchVector("concerns", config="english"), name="contact_concerns_search"),
            # The queue in its own order, open contacts only: a page of it, and
            # take-next, read the first rows without sorting every open contact.
            # (Expressions repeat queue_priority(), which is declared below the model.)
            models.Index(
                models.Case(
                    models.When(urgency="immediate", then=models.Value(0)),
                    models.When(out_of_hours=True, status="received", then=models.Value(1)),
                    default=models.Value(2),
                    output_field=models.IntegerField(),
                ),
                "decision_due_at",
                "id",
                condition=models.Q(
                    status__in=["received", "in_screening", "awaiting_checks", "awaiting_approval"],
                    advice_only=False,
                ),
                name="contact_queue_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def edt_handover(self):
        """The emergency duty team's handover (docs/adr/0044), or None: none yet, or
        not recorded out of hours."""
        if not self.out_of_hours:
            return None
        try:
            return self.handover
        except models.ObjectDoesNotExist:
            return None

    @property
    def concern_category_labels(self) -> list[str]:
        labels = dict(ConcernCategory.choices)
        return [labels.get(value, value) for value in self.concern_categories]

    # Not a column: the people intake has just saved on this contact, in order, set on
    # the contact ``contact_submit`` returns (so its answer to the sender need not read
    # them back). None on a contact read from the database.
    recorded_subjects: list[ContactSubject] | None = None

    @property
    def children(self):
        return [s for s in self.subjects.all() if s.is_child]

    @property
    def adults(self):
        return [s for s in self.subjects.all() if not s.is_child]


# Contacts still waiting for a decision: the screeners' queue.
OPEN_STATUSES = (
    Contact.Status.RECEIVED,
    Contact.Status.IN_SCREENING,
    Contact.Status.AWAITING_CHECKS,
    Contact.Status.AWAITING_APPROVAL,
)

_S = Contact.Status
# The contact's workflow: the statuses each may move to, and no others (a contact is
# created received, or closed when a phone consultation ended in advice). Moving is
# ``contact_status_move``'s alone: a conditional update from the status it was read in.
# Any open contact may be withdrawn (screening.services_withdraw), never a decided one.
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    # Taken; or a check asked; or a specialist pathway's contact closed with its
    # outcome (docs/adr/0046: the service allows it for those alone).
    _S.RECEIVED: (_S.IN_SCREENING, _S.AWAITING_CHECKS, _S.WITHDRAWN, _S.CLOSED),
    _S.IN_SCREENING: (_S.AWAITING_CHECKS, _S.AWAITING_APPROVAL, _S.DECIDED, _S.WITHDRAWN),
    # Answered, or the screener goes ahead without; or decided with the reason recorded.
    _S.AWAITING_CHECKS: (_S.IN_SCREENING, _S.AWAITING_APPROVAL, _S.DECIDED, _S.WITHDRAWN),
    # Approved, or returned; or withdrawn (the decision waiting never stands).
    _S.AWAITING_APPROVAL: (_S.DECIDED, _S.IN_SCREENING, _S.WITHDRAWN),
    _S.DECIDED: (_S.AWAITING_APPROVAL,),  # decided again, needing a manager this time
    _S.CLOSED: (),
    _S.WITHDRAWN: (),
}


def queue_priority() -> models.Case:
    """Immediate-risk contacts first; then contacts the emergency duty team recorded out
    of hours, until a screener takes one (docs/adr/0044); then the rest. Within each, by
    when the decision is due."""
    return models.Case(
        models.When(urgency=Contact.Urgency.IMMEDIATE, then=models.Value(0)),
        models.When(out_of_hours=True, status=Contact.Status.RECEIVED, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class ContactSubject(models.Model):
    """A person on a contact, as the referrer described them."""

    class Role(models.TextChoices):
        CHILD = "child", "Child"
        UNBORN_CHILD = "unborn_child", "Unborn child"
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        HOUSEHOLD_MEMBER = "household_member", "Household member"
        ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"
        OTHER_ADULT = "other_adult", "Other adult"

    CHILD_ROLES = (Role.CHILD, Role.UNBORN_CHILD)

    class MatchStatus(models.TextChoices):
        UNMATCHED = "unmatched", "Not yet matched"
        NHS_NUMBER = "nhs_number", "Linked by NHS number"
        CONFIRMED = "confirmed", "Match confirmed by a screener"
        NEW_PERSON = "new_person", "New person record"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="subjects")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="appearances"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    relationship_to_children = models.CharField(
        max_length=200, blank=True, help_text="For adults, e.g. 'mother of both children'."
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    nhs_number = models.CharField(max_length=10, blank=True)
    unique_pupil_number = models.CharField(max_length=13, blank=True)
    ethnicity = models.CharField(max_length=4, blank=True)
    disabilities = ArrayField(models.CharField(max_length=4), default=list, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    match_status = models.CharField(
        max_length=20, choices=MatchStatus.choices, default=MatchStatus.UNMATCHED
    )
    position = models.PositiveSmallIntegerField(default=0)
    # The child's voice, as the referrer gave it: whether they saw or spoke to the
    # child (None: not said), when and who, the child's own words, or why not.
    child_seen = models.BooleanField(null=True, blank=True)
    child_seen_on = models.DateField(null=True, blank=True)
    child_seen_by = models.CharField(max_length=200, blank=True)
    child_said = models.TextField(blank=True)
    child_not_seen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["contact", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="unborn_child", expected_date_of_birth__isnull=False)
                | ~models.Q(role="unborn_child"),
                name="subject_unborn_has_expected_date",
            ),
            models.CheckConstraint(
                condition=models.Q(match_status="unmatched", person__isnull=True)
                | (~models.Q(match_status="unmatched") & models.Q(person__isnull=False)),
                name="subject_linked_when_matched",
            ),
            # What the child said belongs with "seen", why not with "not seen", and
            # neither with an adult or an unborn child.
            models.CheckConstraint(
                condition=models.Q(
                    child_seen__isnull=True,
                    child_seen_on__isnull=True,
                    child_seen_by="",
                    child_said="",
                    child_not_seen_reason="",
                )
                | models.Q(role="child", child_seen=True, child_not_seen_reason="")
                | (
                    models.Q(
                        role="child",
                        child_seen=False,
                        child_seen_on__isnull=True,
                        child_seen_by="",
                        child_said="",
                    )
                    & ~models.Q(child_not_seen_reason="")
                ),
                name="subject_child_voice_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_child(self) -> bool:
        return self.role in self.CHILD_ROLES

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def child_voice_given(self) -> bool:
        return self.child_seen is not None


class MatchCandidate(models.Model):
    """A person record that may be the subject; a screener confirms or rejects it."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a screener"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    subject = models.ForeignKey(
        ContactSubject, on_delete=models.CASCADE, related_name="match_candidates"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = ArrayField(models.CharField(max_length=100), default=list)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["subject", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "person"], name="candidate_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} may be person {self.person_id} ({self.score:.2f})"
