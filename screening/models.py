"""Screening a contact: who holds it, the Signs of Safety analysis, the checks
asked of partner agencies, and the decisions (never edited, only superseded).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When

from frontdoor.models import Agency
from referrals.models import Contact, front_door


class ThresholdLevel(models.Model):
    """A level on the council's continuum of need; councils name their own."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}: {self.name}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Screening(models.Model):
    """The screener's work on one contact; created when the contact is first claimed."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="screening")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screenings_held",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    # Signs of Safety: what are we worried about?
    past_harm = models.TextField(blank=True)
    danger_statement = models.TextField(blank=True)
    complicating_factors = models.TextField(blank=True)
    # What's working well?
    strengths = models.TextField(blank=True)
    existing_safety = models.TextField(blank=True)
    # What needs to happen?
    safety_goals = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    scaling = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="0: the child will be (re)harmed … 10: safe enough for the case to close.",
    )

    complex_flag = models.BooleanField(
        default=False, help_text="Flagged by the screener for the complex-case meeting."
    )
    complex_reason = models.TextField(blank=True)
    checks_waived_reason = models.TextField(
        blank=True, help_text="Why the screener went ahead before every check was answered."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scaling__isnull=True) | models.Q(scaling__lte=10),
                name="screening_scaling_0_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(assigned_to__isnull=True, claimed_at__isnull=True)
                | models.Q(assigned_to__isnull=False, claimed_at__isnull=False),
                name="screening_claim_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening of {self.contact_id}"


class Route(models.TextChoices):
    INFORMATION_AND_ADVICE = "information_and_advice", "Information and advice"
    EARLY_HELP = "early_help", "Early help (prevention)"
    SOCIAL_CARE_ASSESSMENT = "social_care_assessment", "Social care assessment (s17)"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (s47)"
    ALREADY_OPEN = "already_open", "Already open: pass to the allocated worker"


REFERRAL_ROUTES = (
    Route.SOCIAL_CARE_ASSESSMENT,
    Route.STRATEGY_DISCUSSION,
    Route.ALREADY_OPEN,
)
ROUTES_NEEDING_APPROVAL = (Route.SOCIAL_CARE_ASSESSMENT, Route.STRATEGY_DISCUSSION)
# A contact whose referrer (or the police's high grade) said a child may be at risk of
# significant harm today is not closed with advice or early help on one person's word.
ROUTES_NEEDING_APPROVAL_WHEN_IMMEDIATE = (Route.INFORMATION_AND_ADVICE, Route.EARLY_HELP)


def needs_manager_approval(*, route: str, withholding: bool, immediate: bool) -> bool:
    """Whether a decision waits for a manager before it stands: a referral to social
    care, telling the family nothing, or an immediate-risk contact closed with
    information and advice or early help. The one rule ``decision_record`` applies
    (and the demo's history follows)."""
    return (
        route in ROUTES_NEEDING_APPROVAL
        or withholding
        or (immediate and route in ROUTES_NEEDING_APPROVAL_WHEN_IMMEDIATE)
    )


# A referral in the DfE's sense (CIN census, Annex A List 3): a child newly sent to social
# care. A case passed to its allocated worker is not one, though the scorecard counts it
# among referrals (ADR 0008, ADR 0011). These decisions also record the primary need.
CENSUS_REFERRAL_ROUTES = (Route.SOCIAL_CARE_ASSESSMENT, Route.STRATEGY_DISCUSSION)


def is_referral(route: str | None, pathway: str = "", *, census: bool = False) -> bool:
    """The one definition of a referral (ADR 0008, 0011, 0046): a front-door contact,
    not a specialist pathway's (a LADO allegation, a private fostering notification …
    is never one), whose standing decision's route is a referral: REFERRAL_ROUTES for
    the scorecard, CENSUS_REFERRAL_ROUTES (``census``) for the CIN census and Annex A.
    ``referral_q`` says the same as a filter; the scorecard, the census, Annex A,
    re-referrals and the screening pages all ask one or the other."""
    if pathway:
        return False
    return route in (CENSUS_REFERRAL_ROUTES if census else REFERRAL_ROUTES)


def referral_q(route: str, contact: str = "", *, census: bool = False) -> Q:
    """``is_referral`` as a filter: ``route`` names the route column or annotation,
    ``contact`` the path to the contact ("" in a query over contacts)."""
    routes = CENSUS_REFERRAL_ROUTES if census else REFERRAL_ROUTES
    return front_door(contact) & Q(**{f"{route}__in": routes})


class AdviceRecipient(models.TextChoices):
    """Who was given the advice on an information-and-advice decision."""

    REFERRER = "referrer", "The person who made the referral"
    PARENT_CARER = "parent_carer", "A parent or carer"
    YOUNG_PERSON = "young_person", "The child or young person"
    OTHER_PROFESSIONAL = "other_professional", "Another professional"


def _contact_fields(contact: str) -> tuple[OuterRef, str]:
    """The outer row's contact id and the prefix of its contact's fields: "" for a
    query over contacts, "contact" for rows that name one (a child on a contact)."""
    if not contact:
        return OuterRef("pk"), ""
    return OuterRef(f"{contact}_id"), f"{contact}__"


class DecisionQuerySet(models.QuerySet):
    """What "the decision that stands" means, in one place (ADR 0008). A decision
    stands when it needed no approval or a manager approved it; pending and returned
    ones never do. A contact's standing decision is the latest of its standing ones (a
    later one replaces an earlier, so a superseded decision no longer counts), and the
    contact was decided when its first standing decision was made. Advice given on a
    phone consultation (an advice-only contact, which has no decisions) is an
    Information and Advice decision made during the call.

    The queue, the contact and referral pages, the complex-case meeting, notices, the
    scorecard, the census, Annex A, retention, the decision audits and the joint review
    all ask these methods."""

    def standing(self) -> DecisionQuerySet:
        return self.filter(approval__in=STANDING_APPROVALS)

    def standing_at(self, moment: datetime | None) -> DecisionQuerySet:
        """The decisions that stood at ``moment`` as recorded then: made by then and,
        where one needed a manager, approved by then (an approval is final, so a
        figure for a past moment comes out the same whenever it is asked). ``None``
        is now."""
        if moment is None:
            return self.standing()
        return self.filter(decided_at__lte=moment).filter(
            Q(approval=Decision.Approval.NOT_NEEDED)
            | Q(approval=Decision.Approval.APPROVED, approval_at__lte=moment)
        )

    def standing_latest(self, moment: datetime | None = None) -> DecisionQuerySet:
        """Each contact's standing decision itself (at ``moment``; ``None``: now): a
        standing decision no later standing one has replaced."""
        replaced_by = Decision.objects.standing_at(moment).filter(
            Q(decided_at__gt=OuterRef("decided_at"))
            | Q(decided_at=OuterRef("decided_at"), pk__gt=OuterRef("pk")),
            contact=OuterRef("contact"),
        )
        return self.standing_at(moment).exclude(Exists(replaced_by))

    def began_standing_between(self, start: datetime, end: datetime) -> DecisionQuerySet:
        """The decisions that came to stand from ``start`` up to (not including)
        ``end``, made then needing no approval or approved then, that were still their
        contact's standing decision at ``end``: a week's decisions for its audit sample
        and joint review. A past week's answer never changes (an approval is final)."""
        # Both ends in each branch, so each index (decided_at, approval_at) reads the
        # week alone, not everything from then to now.
        return self.standing_latest(end - timedelta(microseconds=1)).filter(
            Q(approval=Decision.Approval.NOT_NEEDED, decided_at__gte=start, decided_at__lt=end)
            | Q(approval=Decision.Approval.APPROVED, approval_at__gte=start, approval_at__lt=end)
        )

    def current(self) -> DecisionQuerySet:
        """The last of each contact's decisions, whatever its approval: what a new
        decision supersedes, and what a screener sees as the latest word."""
        return self.filter(superseded_by__isnull=True)

    def latest_first(self) -> DecisionQuerySet:
        return self.order_by("-decided_at", "-pk")

    def of_outer(self, contact: str = "") -> DecisionQuerySet:
        """These decisions on the outer row's contact, for a subquery (see
        ``_contact_fields`` for ``contact``)."""
        return self.filter(contact=_contact_fields(contact)[0])

    # Columns for a query over contacts, or over rows naming one (``contact="contact"``),
    # built on this queryset: ``Decision.objects.standing_at(as_at).route_for()``.

    def route_for(self, contact: str = "") -> Case:
        """The route of the outer contact's standing decision (Information and Advice
        for advice given on a phone consultation), or NULL when none stands."""
        prefix = _contact_fields(contact)[1]
        return Case(
            When(
                **{f"{prefix}advice_only": True},
                then=Value(Route.INFORMATION_AND_ADVICE.value),
            ),
            default=self.latest_for("route", contact),
            output_field=models.CharField(),
        )

    def decided_at_for(self, contact: str = "") -> Case:
        """When the outer contact was decided: its first standing decision was made
        (advice given on a phone consultation: during the call), or NULL."""
        prefix = _contact_fields(contact)[1]
        first = self.of_outer(contact).order_by("decided_at", "pk").values("decided_at")[:1]
        return Case(
            When(**{f"{prefix}advice_only": True}, then=F(f"{prefix}received_at")),
            default=Subquery(first),
            output_field=models.DateTimeField(),
        )

    def latest_for(self, field: str, contact: str = "") -> Subquery:
        """``field`` of the latest of these decisions on the outer contact."""
        return Subquery(self.of_outer(contact).latest_first().values(field)[:1])


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Decision(models.Model):
    """Where a contact goes, and why. Never edited: a change is a new decision that
    supersedes this one. The database refuses edits to what was decided (0002)."""

    class FamilyNotice(models.TextChoices):
        NOTIFY = "notify", "Tell the family a referral was made"
        WITHHOLD = "withhold", "Do not tell the family (needs a safeguarding reason)"

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed"
        PENDING = "pending", "Waiting for a manager"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned to the screener"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="decisions")
    route = models.CharField(max_length=40, choices=Route.choices)
    threshold_level = models.ForeignKey(ThresholdLevel, on_delete=models.PROTECT)
    rationale = models.TextField()
    is_complex = models.BooleanField(default=False)
    complex_reason = models.TextField(blank=True)
    family_notice = models.CharField(max_length=20, choices=FamilyNotice.choices)
    withhold_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_made"
    )
    decided_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    approval = models.CharField(max_length=20, choices=Approval.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_at = models.DateTimeField(null=True, blank=True)
    approval_comment = models.TextField(blank=True)
    primary_need = models.CharField(
        max_length=3, blank=True, help_text="CIN census primary need code, for a referral."
    )
    is_re_referral = models.BooleanField(
        default=False,
        help_text="A child on the contact had a referral received in the 12 months before.",
    )
    # Defaults in the database too: bulk loaders (demo/synthetic) name their columns.
    advice_given = models.TextField(
        blank=True,
        db_default="",
        help_text="For information and advice: the advice given (it goes to the referrer).",
    )
    advice_given_to = ArrayField(
        models.CharField(max_length=20, choices=AdviceRecipient.choices),
        blank=True,
        default=list,
        db_default=[],
        help_text="For information and advice: who was given the advice.",
    )
    # The council's onward service the contact goes to (docs/adr/0045): required when
    # the route has active services, empty where it has none.
    service = models.ForeignKey(
        "screening.OnwardService",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["contact", "decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(family_notice="notify") | ~models.Q(withhold_reason=""),
                name="decision_withholding_has_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(is_complex=False) | ~models.Q(complex_reason=""),
                name="decision_complex_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="decision_has_a_rationale"
            ),
            # Required for information and advice by the service, not here: decisions
            # made before these columns existed have none, and are never edited.
            models.CheckConstraint(
                condition=models.Q(route="information_and_advice")
                | models.Q(advice_given="", advice_given_to=[]),
                name="decision_advice_only_for_information_and_advice",
            ),
            models.CheckConstraint(
                condition=models.Q(approval__in=["not_needed", "pending"])
                | models.Q(approved_by__isnull=False, approval_at__isnull=False),
                name="decision_approval_is_attributed",
            ),
        ]
        indexes = [
            models.Index(fields=["approval"], name="decision_approval_idx"),
            models.Index(fields=["contact", "-decided_at"], name="decision_contact_latest_idx"),
            # A week's decisions (``began_standing_between``): made, or approved, then.
            models.Index(fields=["decided_at"], name="decision_decided_at_idx"),
            models.Index(fields=["approval_at"], name="decision_approval_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()} for {self.contact_id}"

    @property
    def is_referral(self) -> bool:
        return is_referral(self.route, self.contact.pathway)

    @property
    def advice_given_to_display(self) -> str:
        labels = dict(AdviceRecipient.choices)
        return ", ".join(labels.get(who, who) for who in self.advice_given_to)


# A decision stands (is the one the referrer and family are told) when it needed no
# approval or a manager approved it; pending and returned ones do not.
STANDING_APPROVALS = (Decision.Approval.NOT_NEEDED, Decision.Approval.APPROVED)


class ComplexCaseRun(models.Model):
    """The complex-case queue as it stood for one meeting slot: a stored snapshot.

    One per (date, slot), guaranteed by the database, however many schedulers run.
    """

    meeting_date = models.DateField()
    slot = models.TimeField(help_text="London time the meeting starts.")
    computed_at = models.DateTimeField(auto_now_add=True)
    caught_up = models.BooleanField(
        default=False, help_text="Computed late, after the scheduler had been down."
    )
    chaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="complex_case_meetings"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-meeting_date", "-slot"]
        constraints = [
            models.UniqueConstraint(fields=["meeting_date", "slot"], name="one_run_per_slot"),
        ]

    def __str__(self) -> str:
        return f"Complex-case meeting {self.meeting_date} {self.slot:%H:%M}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class ComplexCaseEntry(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "Not discussed yet"
        DECISION = "decision", "Decided through screening"
        MORE_INFORMATION = "more_information", "More information needed"

    run = models.ForeignKey(ComplexCaseRun, on_delete=models.CASCADE, related_name="entries")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(help_text="1 is discussed first.")
    reasons = models.JSONField(default=list)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    actions = models.TextField(blank=True)
    owners = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    # What the meeting decided, for a case it decided: the screening decision form on
    # the contact is filled in from it (the screener still records the decision).
    agreed_route = models.CharField(max_length=30, choices=Route.choices, blank=True)
    agreed_threshold = models.ForeignKey(
        ThresholdLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_reasoning = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["run", "contact"], name="contact_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.run_id}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class AgencyContribution(models.Model):
    """What a partner agency brought to the meeting about one case."""

    entry = models.ForeignKey(
        ComplexCaseEntry, on_delete=models.CASCADE, related_name="contributions"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    information = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "agency"], name="one_contribution_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} on {self.entry_id}"


# The contact log and the checks have their own modules; imported here so Django
# registers them with the app and callers keep ``from screening.models import …``.
from screening.models_audits import (  # noqa: E402, F401
    AuditCriterion,
    AuditCriterionGrade,
    AuditGrade,
    AuditSample,
    DecisionAudit,
)
from screening.models_checks import CHECK_AGENCY_TYPES, AgencyCheck, SharingBasis  # noqa: E402, F401
from screening.models_log import ContactLogEntry  # noqa: E402, F401
from screening.models_meetings import MeetingAction, MeetingGuest  # noqa: E402, F401
from screening.models_pathways import PathwayRecord  # noqa: E402, F401
from screening.models_services import OnwardService  # noqa: E402, F401
