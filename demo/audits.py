"""Decision quality audits for the demonstration (docs/adr/0043), made through the
audit services as the weekly schedule and the managers would have: the samples of the
latest weeks that had decisions, the older ones graded against the rubric (the
screener has read all but the latest feedback), the newest waiting for its manager.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from screening.audits import services
from screening.audits.weeks import last_complete_week, week_bounds
from screening.models import AuditCriterion, AuditGrade, AuditSample, Decision

WEEKS_SAMPLED = 6
# How far back to look for weeks with decisions (the demo's history is spread thinly).
WEEKS_SEARCHED = 70
GRADE_WEIGHTS = [
    (AuditGrade.OUTSTANDING, 15),
    (AuditGrade.GOOD, 50),
    (AuditGrade.REQUIRES_IMPROVEMENT, 25),
    (AuditGrade.INADEQUATE, 10),
]
FEEDBACK = {
    AuditGrade.OUTSTANDING: "An exemplary rationale: the worries, the strengths and the "
    "threshold are set out so anyone could follow the decision.",
    AuditGrade.GOOD: "A sound decision, clearly explained. Say a little more about what the "
    "child would tell us about their day.",
    AuditGrade.REQUIRES_IMPROVEMENT: "The route is right but the rationale repeats the "
    "referral: say what you think it means for this child, and why the checks asked "
    "were the ones that mattered.",
    AuditGrade.INADEQUATE: "The danger statement is missing and the threshold chosen does "
    "not match what the police told us. Let's talk it through at supervision.",
}


def demo_audits_load(*, seed: int = 2026, now: datetime | None = None) -> int:
    """Draw and grade the demo's audits, as at ``now``; none if any sample exists.
    Returns how many audits were graded."""
    if AuditSample.objects.exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(seed)
    week = last_complete_week(timezone.localdate(now))
    samples = []
    for _ in range(WEEKS_SEARCHED):
        if len(samples) == WEEKS_SAMPLED:
            break
        if Decision.objects.began_standing_between(*week_bounds(week)).exists():
            sample, _ = services.audit_sample_draw(week_start=week, now=now)
            samples.append(sample)
        week -= timedelta(days=7)
    asked = list(AuditCriterion.objects.filter(is_active=True))
    graded = []
    # The newest week is left for its manager to grade.
    for sample in samples[1:]:
        for audit in sample.audits.filter(assigned_to__isnull=False).select_related("assigned_to"):
            grade = rng.choices(*zip(*GRADE_WEIGHTS, strict=True))[0]
            graded.append(
                services.decision_audit_grade(
                    actor=audit.assigned_to,
                    audit=audit,
                    grade=grade,
                    comments=FEEDBACK[grade],
                    criteria={
                        criterion.pk: services.CriterionGrade(
                            rng.choice([grade, grade, AuditGrade.GOOD])
                        )
                        for criterion in asked
                    },
                )
            )
    # The screener read the earlier feedback; the latest is new on their home page.
    for audit in graded[1:]:
        services.decision_audit_read(actor=audit.decision.decided_by, audit=audit)
    return len(graded)
