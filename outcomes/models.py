"""Notices to referrers and families: a transactional outbox.

A notice row is written in the same transaction as the contact or decision that
implies it; Celery workers deliver it afterwards, at most once, by claiming the
row with a conditional update. The row, not the queue, is the source of truth: a
sweeper re-queues any notice a lost task left behind.
"""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from referrals.models import Contact
from screening.models import Decision


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Notice(models.Model):
    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement of receipt"
        OUTCOME = "outcome", "Outcome"
        CORRECTION = "correction", "Correction of an earlier outcome"
        # To a child's school after police attended a domestic abuse incident
        # (outcomes/models_encompass.py).
        ENCOMPASS = "encompass", "Operation Encompass notice"

    class Audience(models.TextChoices):
        REFERRER = "referrer", "Referrer"
        FAMILY = "family", "Family"
        SCHOOL = "school", "School's Key Adult"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        LETTER = "letter", "Letter"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        TEMPORARY_FAILURE = "temporary_failure", "Failed for now; will retry"
        PERMANENT_FAILURE = "permanent_failure", "Failed: needs a person"
        # A school's Operation Encompass notice stopped because its contact was withdrawn.
        WITHDRAWN = "withdrawn", "Not sent: the contact was withdrawn"
        # A letter the council prints and posts itself (outcomes/models_letters.py):
        # sent once a manager marks it posted.
        TO_POST = "to_post", "To be printed and posted by the council"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="notices")
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.TextField(help_text="Email address, phone number or postal address.")
    # Sent to providers as the reference: it identifies the notice and nothing else.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.CharField(max_length=200, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    resend_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="resends"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["contact", "created_at"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="notice_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notice_sent_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.audience} for {self.contact_id}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class DownstreamOutcome(models.Model):
    """What happened after a referral, for one child on it, as social care recorded it."""

    class Event(models.TextChoices):
        ASSESSMENT_STARTED = "assessment_started", "Assessment started"
        ASSESSMENT_COMPLETED = "assessment_completed", "Assessment completed"
        STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion held"
        S47_ENQUIRY = "s47_enquiry", "Section 47 enquiry started"
        ICPC = "icpc", "Initial child protection conference held"
        CP_PLAN = "cp_plan", "Child protection plan started"
        ICPC_NOT_REQUIRED = "icpc_not_required", "Section 47 ended: no conference needed"
        CASE_CLOSED = "case_closed", "Case closed"

    class AssessmentOutcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection"
        LOOKED_AFTER = "looked_after", "Looked after"

    class Source(models.TextChoices):
        FORM = "form", "Recorded on the form"
        CSV = "csv", "Imported from a file"
        API = "api", "Sent by a case-management system"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="downstream")
    subject = models.ForeignKey(
        "referrals.ContactSubject", on_delete=models.PROTECT, related_name="downstream"
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    occurred_on = models.DateField()
    assessment_outcome = models.CharField(
        max_length=20, choices=AssessmentOutcome.choices, blank=True
    )
    factors = ArrayField(
        models.CharField(max_length=4),
        default=list,
        blank=True,
        help_text="CIN census factors identified at the end of a completed assessment.",
    )
    reason_for_closure = models.CharField(
        max_length=4, blank=True, help_text="CIN census reason for closure of a closed case."
    )
    late_reason = models.TextField(
        blank=True,
        help_text="Why an assessment or conference happened after its working-day deadline.",
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The sender's own id, so a resend is recognised."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contact", "occurred_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event="assessment_completed", assessment_outcome__gt="")
                | (~models.Q(event="assessment_completed") & models.Q(assessment_outcome="")),
                name="outcome_only_for_completed_assessments",
            ),
            models.CheckConstraint(
                condition=models.Q(event="assessment_completed") | models.Q(factors=[]),
                name="factors_only_for_completed_assessments",
            ),
            models.CheckConstraint(
                condition=models.Q(event="case_closed", reason_for_closure__gt="")
                | (~models.Q(event="case_closed") & models.Q(reason_for_closure="")),
                name="closure_reason_only_for_closed_cases",
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="downstream_external_id_unique_per_source",
            ),
        ]
        indexes = [models.Index(fields=["event", "occurred_on"], name="downstream_event_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} on {self.occurred_on} for {self.contact_id}"


class NationalFigure(models.Model):
    """A published England figure shown beside a scorecard measure for comparison.

    Kept as data (a data migration seeds the current ones) so a council updates them
    in the admin when the DfE or ADCS publish new figures.
    """

    measure = models.CharField(max_length=40, unique=True)
    percent = models.DecimalField(max_digits=5, decimal_places=1)
    label = models.CharField(max_length=200, help_text="What the figure counts, as published.")
    period = models.CharField(max_length=100)
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["measure"]

    def __str__(self) -> str:
        return f"{self.label}: {self.percent}% ({self.period})"


class RetentionRun(models.Model):
    """Contacts found past their retention period, waiting for a manager to approve
    their erasure; the row stays as the record of what was erased, when and on whose
    say (ids only)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for a manager"
        APPROVED = "approved", "Approved; erasing"
        ERASED = "erased", "Erased"

    kind = models.CharField(max_length=40)
    contact_ids = ArrayField(models.BigIntegerField())
    found_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # When the erasure was handed to the broker; empty while it could not be (the
    # sweeper in outcomes/retention.py queues it again).
    erase_queued_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-found_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="proposed")
                | models.Q(approved_by__isnull=False, approved_at__isnull=False),
                name="retention_run_approval_is_attributed",
            )
        ]

    def __str__(self) -> str:
        return f"Retention run {self.pk} ({self.kind})"


class ScorecardSnapshot(models.Model):
    """A period's scorecard counted as at a moment and kept, so the page, downloads
    and API show it without counting again (counting a region's year takes minutes).
    Figures only: counts, bases and hours, never a record or a name."""

    period = models.CharField(max_length=10, help_text="A period key: 2026, 2026-Q3, 2026-07.")
    as_at = models.DateTimeField()
    figures = models.JSONField()
    computed_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(help_text="How long the count took.")

    class Meta:
        ordering = ["period", "-as_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "as_at"], name="one_snapshot_per_moment"),
        ]

    def __str__(self) -> str:
        return f"Scorecard {self.period} as at {self.as_at:%Y-%m-%d %H:%M}"


class ScorecardMonth(models.Model):
    """A closed month's scorecard facts, counted once and kept (docs/adr/0049): for
    every contact source agency with anything that month, and for all (``agency`` "").
    Any period's figures are sums of kept months plus the open month counted live.
    Numbers only: counts and bases, decision times, and for repeat contacts the
    children counted (person ids; a child on a contact alone as minus its subject id),
    never a name."""

    month = models.DateField(help_text="The month's first day.")
    agency = models.CharField(max_length=20, blank=True, help_text="'' all; 'none'; an id.")
    definitions = models.PositiveSmallIntegerField(help_text="measures.DEFINITIONS_VERSION")
    counted_at = models.DateTimeField(help_text="The moment the figures are as at.")
    # {"n": {figure key: [count, base]}, "due": [due time of each contact undecided
    # at counted_at, as epoch seconds]} (outcomes/scorecard/parts.py).
    figures = models.JSONField()
    hours = ArrayField(models.FloatField(), default=list, help_text="Decision times, sorted.")
    children = ArrayField(models.BigIntegerField(), default=list)
    returned = ArrayField(models.BigIntegerField(), default=list)
    seconds = models.FloatField(default=0, help_text="How long the month's count took.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "agency"], name="one_kept_month_per_agency"),
        ]

    def __str__(self) -> str:
        return f"Scorecard month {self.month:%Y-%m} ({self.agency or 'all'})"


class ScorecardMonthMark(models.Model):
    """Something recorded that changes a month's figures (a decision standing or
    superseded, a withdrawal, a late contact, a downstream outcome): a kept count of
    that month taken before ``marked_at`` no longer holds for moments from
    ``effective_at`` on, so those are counted live until the month is kept again."""

    month = models.DateField()
    effective_at = models.DateTimeField()
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["month", "marked_at"], name="month_mark_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} changed from {self.effective_at:%Y-%m-%d %H:%M}"


class CensusExport(models.Model):
    """One export of the Children in Need census for a return year, as made, with
    the DfE rules' report on it once the worker has run the validator."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        CHECKED = "checked", "Checked"
        UNCHECKED = "unchecked", "Could not be checked"

    year = models.PositiveSmallIntegerField(help_text="Return year: 2026 for 2025-26.")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    xml = models.BinaryField(help_text="The file as exported.")
    children = models.PositiveIntegerField()
    episodes = models.PositiveIntegerField()
    # Which contacts the file holds, so every later download is audited against them.
    contact_ids = ArrayField(models.BigIntegerField(), default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    ruleset = models.CharField(max_length=20, blank=True)
    errors = models.PositiveIntegerField(null=True, blank=True)
    queries = models.PositiveIntegerField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    # When the check was last asked for; empty while the broker could not take it
    # (the sweeper in outcomes/returns/services.py queues it again).
    check_queued_at = models.DateTimeField(null=True, blank=True, default=timezone.now)

    class Meta:
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return f"CIN census {self.year - 1}-{self.year % 100:02d} export {self.pk}"


class OutcomeImport(models.Model):
    """A CSV of downstream events as uploaded: kept here (not in a task's arguments) so
    a broker outage loses nothing, checked and applied by the worker (or at once when
    small), then cleared of its file once done; the counts and the report by row stay."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        SAVING = "saving", "Being saved"
        IMPORTED = "imported", "Imported"
        REJECTED = "rejected", "Not imported"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    content = models.TextField(blank=True, help_text="The file as text; emptied once done.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # [[row number, message], ...]: the first ERRORS_KEPT of them; error_count says how many.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    # The broker could not be reached at upload: the sweeper queues it once it can.
    not_queued = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    ERRORS_KEPT = 1000
    FINISHED = (Status.IMPORTED, Status.REJECTED)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["queued", "checking", "saving", "imported", "rejected"]
                ),
                name="outcome_import_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["imported", "rejected"]) | models.Q(content=""),
                name="outcome_import_file_cleared_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcomes import {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


# Letters printed and posted by the council; imported here so Django finds them.
# Events handed to case-management and partner systems (webhooks and the pull feed).
# Alerts to the people who must act, and their emails (docs/adr/0042).
from outcomes.models_alerts import (  # noqa: E402, F401
    Alert,
    AlertDigest,
    AlertPreference,
    AlertScanMark,
)
from outcomes.models_encompass import (  # noqa: E402, F401
    EncompassNotice,
    PupilSchool,
    School,
    TermCalendar,
    TermPeriod,
)
from outcomes.models_handoff import (  # noqa: E402, F401
    CaseEvent,
    CaseEventWaiting,
    Delivery,
    DeliveryAttempt,
    WebhookEndpoint,
    WebhookSecret,
)
from outcomes.models_letters import Letter, PrintBatch  # noqa: E402, F401
