"""Multi-agency checks: a question to a partner agency's MAST member, with the basis
on which the family's information is shared with that agency.

Information goes to a partner with the family's consent (who gave it, and when), or
without it for a reason the screener records: a child is at risk of significant
harm, asking would prejudice an enquiry or put a child at risk, or another lawful
reason said in words. Where the council says so (``CHECKS_WITHOUT_CONSENT_NEED_APPROVAL``)
a check without consent waits for a manager's approval before the agency sees it.
Checks asked before the basis was recorded say "not recorded" (migration 0010), as
nobody can now say which it was.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from frontdoor.models import Agency
from frontdoor.working_days import add_working_time, working_time_before
from referrals.models import Contact, ContactSubject

CHECK_AGENCY_TYPES = [
    Agency.Type.POLICE,
    Agency.Type.HEALTH,
    Agency.Type.EDUCATION,
    Agency.Type.MENTAL_HEALTH,
    Agency.Type.PROBATION,
    Agency.Type.HOUSING,
    Agency.Type.EARLY_HELP,
]


class SharingBasis(models.TextChoices):
    """Why the family's information may go to the agency asked."""

    CONSENT = "consent", "With the family's consent"
    SIGNIFICANT_HARM = (
        "significant_harm",
        "Without consent: a child is at risk of significant harm",
    )
    PREJUDICE = (
        "prejudice",
        "Without consent: asking would prejudice an enquiry or put a child at risk",
    )
    OTHER = "other", "Without consent: another lawful reason"
    NOT_RECORDED = "not_recorded", "Not recorded (asked before the basis was recorded)"

    @classmethod
    def without_consent(cls) -> tuple[SharingBasis, ...]:
        return (cls.SIGNIFICANT_HARM, cls.PREJUDICE, cls.OTHER)

    @classmethod
    def choosable(cls) -> tuple[SharingBasis, ...]:
        """What a screener may record now: "not recorded" belongs to old checks only."""
        return (cls.CONSENT, *cls.without_consent())


WITHOUT_CONSENT_VALUES = [basis.value for basis in SharingBasis.without_consent()]


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class AgencyCheck(models.Model):
    """A multi-agency check. It is *sent* (the agency's member sees it) when asked, or,
    when it needs a manager's approval, when a manager approves it; a refused check
    is never sent."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", "Waiting for a manager's approval"
        PENDING = "pending", "Waiting for an answer"
        ANSWERED = "answered", "Answered"
        REFUSED = "refused", "Not sent: a manager refused it"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="agency_checks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="checks_asked")
    question = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)

    # The basis for sharing. Consent names who gave it (a person on the contact, or
    # someone named in words) and the day they gave it.
    basis = models.CharField(max_length=20, choices=SharingBasis.choices)
    consent_given_by = models.ForeignKey(
        ContactSubject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_given_by_name = models.CharField(max_length=200, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    basis_reason = models.TextField(
        blank=True, help_text="Why it is shared without consent (needed for another reason)."
    )

    sent_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)

    response = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    # Files on the contact the screener chose to show the agency with the question: the
    # member sees these and no others, once the check is sent (docs/adr/0032).
    shared_documents = models.ManyToManyField(
        "referrals.Document", blank=True, related_name="shared_on_checks"
    )

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["awaiting_approval", "pending", "refused"],
                    answered_at__isnull=True,
                )
                | Q(status="answered", answered_at__isnull=False) & ~Q(response=""),
                name="check_answer_complete",
            ),
            models.CheckConstraint(
                condition=~Q(basis="consent")
                | Q(consent_given_on__isnull=False)
                & (Q(consent_given_by__isnull=False) | ~Q(consent_given_by_name="")),
                name="check_consent_says_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(basis="consent")
                | Q(
                    consent_given_by__isnull=True,
                    consent_given_by_name="",
                    consent_given_on__isnull=True,
                ),
                name="check_consent_only_with_consent",
            ),
            models.CheckConstraint(
                condition=~Q(basis="other") | ~Q(basis_reason=""),
                name="check_other_reason_said",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "answered"], sent_at__isnull=False)
                | Q(status__in=["awaiting_approval", "refused"], sent_at__isnull=True),
                name="check_sent_unless_held",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "answered"])
                | Q(basis__in=WITHOUT_CONSENT_VALUES),
                name="check_only_without_consent_is_held",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused")
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False) & ~Q(review_comment=""),
                name="check_refusal_says_why",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="check_agency_status_idx")]

    def __str__(self) -> str:
        return f"Check of {self.agency} on {self.contact_id}"

    @property
    def without_consent(self) -> bool:
        return self.basis in WITHOUT_CONSENT_VALUES

    @property
    def consent_giver(self) -> str:
        """Who gave consent, in words: the person on the contact, or as named."""
        if self.consent_given_by_id:
            return self.consent_given_by.full_name
        return self.consent_given_by_name


# A check still to come back: waiting for a manager, or sent and waiting for an answer.
WAITING_STATUSES = (AgencyCheck.Status.AWAITING_APPROVAL, AgencyCheck.Status.PENDING)


def answer_due(sent_at: datetime) -> datetime:
    """When the agency's answer to a check sent at ``sent_at`` is due:
    CHECK_ANSWER_WORKING_HOURS working hours after it was sent."""
    return add_working_time(sent_at, timedelta(hours=settings.CHECK_ANSWER_WORKING_HOURS))


def answer_overdue(now: datetime) -> Q:
    """Checks sent and still waiting for an answer after their agency's time is up
    (``answer_due``): the one definition of an overdue check, as a filter. A check held
    for a manager's approval is not the agency's to answer yet, so never overdue."""
    hours = timedelta(hours=settings.CHECK_ANSWER_WORKING_HOURS)
    return Q(status=AgencyCheck.Status.PENDING, sent_at__lte=working_time_before(now, hours))
