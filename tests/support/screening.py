"""Recording a screening decision in tests: a rationale that passes, and ``decide`` with the
advice fields and primary need a decision needs filled in."""

from screening import services
from screening.models import Decision, Route
from tests.factories import ADVICE

RATIONALE = (
    "Bruising consistent with a grip and a clear disclosure naming mum's partner; "
    "police hold two previous domestic incidents. Threshold for s47 is met."
)


def decide(actor, contact, level, route=Route.STRATEGY_DISCUSSION, **extra):
    if route in services.CENSUS_REFERRAL_ROUTES:
        extra.setdefault("primary_need", "N1")
    for name, value in ADVICE.items():
        extra.setdefault(name, value)
    return services.decision_record(
        actor=actor,
        contact=contact,
        route=route,
        threshold_level=level,
        rationale=extra.pop("rationale", RATIONALE),
        family_notice=extra.pop("family_notice", Decision.FamilyNotice.NOTIFY),
        **extra,
    )
