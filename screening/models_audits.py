"""Decision quality audits (docs/adr/0043): each week a sample of the decisions that
came to stand that week is graded by a manager who neither made nor approved them,
against the rubric the council keeps; the screener who decided reads the feedback.

A sample is drawn once per week (the database refuses a second), so the weekly task
and a manager drawing by hand can never make two. Grades are never edited: an audit
is graded once, by the manager it was given to.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q


class AuditGrade(models.TextChoices):
    """Ofsted's four judgements, best first: the words a council's audits already use."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


# "Good or better": the share a council reports of its audits.
GOOD_OR_BETTER = (AuditGrade.OUTSTANDING, AuditGrade.GOOD)


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class AuditCriterion(models.Model):
    """One thing the council's rubric asks of a decision. Never deleted (grades name
    it); a criterion no longer asked is retired, and a new audit does not ask it."""

    title = models.CharField(max_length=200, unique=True)
    guidance = models.TextField(blank=True, help_text="What a good decision shows here.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Asked in this order.")
    is_active = models.BooleanField(default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "audit criteria"
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="audit_criterion_has_a_title")
        ]

    def __str__(self) -> str:
        return self.title


class AuditSample(models.Model):
    """The decisions chosen for audit from one week (Monday to Sunday, London)."""

    week_start = models.DateField(unique=True, help_text="The Monday the week starts.")
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the weekly task drew it.",
    )
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    decisions_in_week = models.PositiveIntegerField()

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(week_start__iso_week_day=1), name="audit_sample_week_starts_monday"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100), name="audit_sample_percent_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"Audit sample for the week of {self.week_start}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class DecisionAudit(models.Model):
    """One decision chosen for audit, the manager given it, and their grade."""

    class Reason(models.TextChoices):
        SCREENER = "screener", "One of each screener's decisions"
        RANDOM = "random", "The week's random share"

    sample = models.ForeignKey(AuditSample, on_delete=models.PROTECT, related_name="audits")
    decision = models.OneToOneField(
        "screening.Decision", on_delete=models.PROTECT, related_name="audit"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_audits",
        help_text="Empty while no manager but the decider or approver could grade it.",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    grade = models.CharField(max_length=30, choices=AuditGrade.choices, blank=True)
    comments = models.TextField(blank=True, help_text="Feedback for the screener who decided.")
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(
        null=True, blank=True, help_text="When the screener who decided said they had read it."
    )

    class Meta:
        ordering = ["sample", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assigned_to__isnull=True, assigned_at__isnull=True)
                | Q(assigned_to__isnull=False, assigned_at__isnull=False),
                name="decision_audit_assigned_at_a_time",
            ),
            models.CheckConstraint(
                condition=Q(grade="", comments="", graded_by__isnull=True, graded_at__isnull=True)
                | (
                    ~Q(grade="")
                    & ~Q(comments="")
                    & Q(graded_by__isnull=False, graded_at__isnull=False, assigned_to__isnull=False)
                ),
                name="decision_audit_graded_in_full",
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(graded_at__isnull=False),
                name="decision_audit_read_once_graded",
            ),
        ]
        indexes = [
            models.Index(
                fields=["assigned_to"],
                condition=Q(graded_at__isnull=True),
                name="decision_audit_to_grade_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Audit of decision {self.decision_id}"

    @property
    def is_graded(self) -> bool:
        return self.graded_at is not None


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class AuditCriterionGrade(models.Model):
    """An audit's grade on one criterion, with the criterion's title as it was asked
    (a later change of wording does not change what was graded)."""

    audit = models.ForeignKey(
        DecisionAudit, on_delete=models.PROTECT, related_name="criterion_grades"
    )
    criterion = models.ForeignKey(AuditCriterion, on_delete=models.PROTECT, related_name="+")
    criterion_title = models.CharField(max_length=200)
    grade = models.CharField(max_length=30, choices=AuditGrade.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["audit", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "criterion"], name="audit_grades_a_criterion_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_title}: {self.get_grade_display()}"
