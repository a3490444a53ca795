"""Reads for the queue, screening, checks and decisions, scoped to the acting user.

One module per seam: ``access`` (who may screen or approve), ``decisions``, ``queue``,
``history`` (earlier contacts and the re-referral rule), ``family`` (the family
panel), ``checks``, ``withdrawals`` and ``police`` (police notifications, bulk triage). Their public
names are re-exported here, so callers write ``from screening import selectors`` and
``selectors.queue`` whichever module holds it.
"""

from screening.selectors.access import can_approve, can_screen, screening_get
from screening.selectors.checks import (
    check_document_get,
    check_get_for_approval,
    check_get_for_member,
    checks_awaiting_approval,
    checks_for_member,
    checks_on,
    restricted_asks,
)
from screening.selectors.decisions import (
    approval_get,
    approvals_pending,
    decided_at,
    decision_chain,
    previous_standing,
    primary_need_labels,
    screeners,
)
from screening.selectors.family import (
    FAMILY_HISTORY_SHOWN,
    Family,
    FamilyMember,
    MemberHistory,
    family_member_get,
    family_of,
    member_history,
)
from screening.selectors.history import (
    HISTORY_SHOWN,
    ChildHistory,
    EarlierReferral,
    HistoryRow,
    child_histories,
    earlier_referrals,
    histories_of,
    is_re_referral,
)
from screening.selectors.log import LogItem, log_entry_get, log_for
from screening.selectors.police import (
    TriageRow,
    bulk_refusals,
    bulk_triage,
    police_parts,
)
from screening.selectors.queue import (
    AMBER_WHEN_LEFT,
    CLOCK_STATES,
    Clock,
    QueueFilters,
    breaching_within,
    clock_for,
    clock_state,
    immediate_risk,
    not_taken,
    queue,
    queue_flags,
    taken_among,
    waiting,
    with_children,
    with_decided_at,
    with_overdue_check,
)
from screening.selectors.withdrawals import withdrawable, withdrawal_parts

__all__ = [
    "AMBER_WHEN_LEFT",
    "CLOCK_STATES",
    "FAMILY_HISTORY_SHOWN",
    "HISTORY_SHOWN",
    "ChildHistory",
    "Clock",
    "EarlierReferral",
    "Family",
    "FamilyMember",
    "HistoryRow",
    "LogItem",
    "MemberHistory",
    "QueueFilters",
    "TriageRow",
    "approval_get",
    "approvals_pending",
    "breaching_within",
    "bulk_refusals",
    "bulk_triage",
    "can_approve",
    "can_screen",
    "check_document_get",
    "check_get_for_approval",
    "check_get_for_member",
    "checks_awaiting_approval",
    "checks_for_member",
    "checks_on",
    "child_histories",
    "clock_for",
    "clock_state",
    "decided_at",
    "decision_chain",
    "earlier_referrals",
    "family_member_get",
    "family_of",
    "histories_of",
    "immediate_risk",
    "is_re_referral",
    "log_entry_get",
    "log_for",
    "member_history",
    "not_taken",
    "police_parts",
    "previous_standing",
    "primary_need_labels",
    "queue",
    "queue_flags",
    "restricted_asks",
    "screeners",
    "screening_get",
    "taken_among",
    "waiting",
    "with_children",
    "with_decided_at",
    "with_overdue_check",
    "withdrawable",
    "withdrawal_parts",
]
