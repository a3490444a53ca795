"""Events for case systems, for decisions made without the services: one
``INSERT … SELECT`` that writes what ``outcomes.handoff.recording`` would have
written when each standing decision stood, then their feed positions.

A synthetic decision never went through the services, so it has no event; the
bench's pull feed and deliveries need as many as a real service of that size would
hold. The ``data`` is built in SQL from the rows themselves, key for key as
``outcomes.handoff.payloads`` builds it (tests/test_synthetic_events.py compares the
two), so its size and shape are a real event's: a correction (``decision.superseded``)
just before the decision that replaced one that stood, then the decision itself (a
closure with advice for information and advice). No deliveries are written: an
endpoint receives the events written after it was added. Safe to run any number of
times: only standing decisions without their event get one.
"""

from __future__ import annotations

from django.db import connection, transaction

from outcomes.handoff.sequencer import events_sequence
from outcomes.models import CaseEvent
from screening.models import STANDING_APPROVALS, Route


def _iso(column: str) -> str:
    """``datetime.isoformat()`` of a UTC timestamp, as Python writes it (microseconds
    only when there are some); NULL stays NULL."""
    return (
        f"(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN mod(extract(microseconds FROM {column})::bigint, 1000000) = 0"
        f" THEN '' ELSE to_char({column} AT TIME ZONE 'UTC', '.US') END || '+00:00')"
    )


def _date(column: str) -> str:
    return f"to_char({column}, 'YYYY-MM-DD')"


def _who(alias: str) -> str:
    return (
        f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE jsonb_build_object("
        f"'name', coalesce(nullif({alias}.full_name, ''), {alias}.email), "
        f"'email', {alias}.email) END"
    )


_CHILD_ROLES = "('child', 'unborn_child')"

_PERSON = f"""
    jsonb_build_object(
        'front_door_person_id', s.person_id, 'role', s.role,
        'relationship_to_children', s.relationship_to_children,
        'first_name', s.first_name, 'last_name', s.last_name, 'other_names', s.other_names,
        'date_of_birth', {_date("s.date_of_birth")},
        'expected_date_of_birth', {_date("s.expected_date_of_birth")},
        'sex', s.sex, 'nhs_number', s.nhs_number, 'unique_pupil_number', s.unique_pupil_number,
        'ethnicity', s.ethnicity, 'disabilities', to_jsonb(s.disabilities),
        'address', s.address, 'postcode', s.postcode
    ) || CASE WHEN s.role IN {_CHILD_ROLES} THEN jsonb_build_object('voice', jsonb_build_object(
        'seen', s.child_seen, 'seen_on', {_date("s.child_seen_on")},
        'seen_by', s.child_seen_by, 'said', s.child_said,
        'not_seen_reason', s.child_not_seen_reason
    )) ELSE '{{}}'::jsonb END
"""


def _people(children: bool) -> str:
    which = "IN" if children else "NOT IN"
    return f"""coalesce((
        SELECT jsonb_agg({_PERSON} ORDER BY s.position, s.id)
        FROM referrals_contactsubject s
        WHERE s.contact_id = c.id AND s.role {which} {_CHILD_ROLES}
    ), '[]'::jsonb)"""  # noqa: S608 -- every interpolation is a constant of this module


_CONTACT_SUMMARY = f"""
    'reference', c.reference, 'received_at', {_iso("c.received_at")},
    'channel', c.channel, 'case_system_id', c.case_system_id
"""

_DECISION_DATA = f"""jsonb_build_object(
    'contact', jsonb_build_object(
        {_CONTACT_SUMMARY},
        -- Generated contacts have no police notification record of their own.
        'police_notification', NULL::jsonb,
        'concerns', c.concerns, 'concern_categories', to_jsonb(c.concern_categories),
        'urgency', c.urgency,
        'referrer', jsonb_build_object(
            'name', c.referrer_name, 'role', c.referrer_role,
            'organisation', c.referrer_organisation, 'phone', c.referrer_phone,
            'email', c.referrer_email, 'anonymous', c.referrer_anonymous
        )
    ),
    'decision', jsonb_build_object(
        'id', d.id, 'route', d.route, 'route_name', {{route_names}},
        'threshold_level', t.number, 'threshold_name', t.name,
        'primary_need', d.primary_need, 'rationale', d.rationale,
        'is_re_referral', d.is_re_referral, 'family_told', d.family_notice = 'notify',
        'advice_given', d.advice_given, 'advice_given_to', to_jsonb(d.advice_given_to),
        'decided_at', {_iso("d.decided_at")}, 'decided_by', {_who("decider")},
        'approved_at', {_iso("d.approval_at")}, 'approved_by', {_who("approver")},
        'supersedes', d.supersedes_id
    ),
    'children', {_people(children=True)},
    'adults', {_people(children=False)},
    'signs_of_safety', (
        SELECT jsonb_build_object(
            'past_harm', sc.past_harm, 'danger_statement', sc.danger_statement,
            'complicating_factors', sc.complicating_factors, 'strengths', sc.strengths,
            'existing_safety', sc.existing_safety, 'safety_goals', sc.safety_goals,
            'next_steps', sc.next_steps, 'scaling', sc.scaling
        )
        FROM screening_screening sc WHERE sc.contact_id = c.id
    ),
    'checks', coalesce((
        SELECT jsonb_agg(jsonb_build_object(
            'agency', a.name, 'question', k.question, 'status', k.status,
            'sharing_basis', k.basis, 'asked_at', {_iso("k.requested_at")},
            'answer', k.response, 'answered_at', {_iso("k.answered_at")}
        ) ORDER BY k.id)
        FROM screening_agencycheck k JOIN frontdoor_agency a ON a.id = k.agency_id
        WHERE k.contact_id = c.id
    ), '[]'::jsonb),
    'documents', coalesce((
        SELECT jsonb_agg(jsonb_build_object(
            'id', doc.id, 'filename', doc.filename, 'description', doc.description,
            'content_type', doc.content_type, 'size', doc.size, 'sha256', doc.sha256,
            'malware_scan', doc.scan_state, 'attached_at', {_iso("doc.uploaded_at")}
        ) ORDER BY doc.uploaded_at, doc.id)
        FROM referrals_document doc WHERE doc.contact_id = c.id
    ), '[]'::jsonb)
)"""  # noqa: S608 -- every interpolation is a constant of this module

_SUPERSEDED_DATA = f"""jsonb_build_object(
    'contact', jsonb_build_object({_CONTACT_SUMMARY}),
    'superseded_decision', jsonb_build_object(
        'id', old.id, 'route', old.route, 'decided_at', {_iso("old.decided_at")}
    ),
    'superseded_by', jsonb_build_object('id', d.id, 'route', d.route, 'rationale', d.rationale)
)"""

_ERASED = """'{"erased": true}'::jsonb"""

# Each standing decision without its event, when it stood, and what stood before it
# on the contact (``screening.selectors.previous_standing``).
_BACKFILL = f"""
WITH standing AS (
    SELECT d.id, d.contact_id,
           CASE WHEN d.approval = 'approved' THEN d.approval_at ELSE d.decided_at END AS stood_at,
           previous.id AS previous_id
    FROM screening_decision d
    LEFT JOIN LATERAL (
        SELECT p.id FROM screening_decision p
        WHERE p.contact_id = d.contact_id AND p.approval = ANY(%(standing)s)
          AND p.decided_at <= d.decided_at AND p.id <> d.id
        ORDER BY p.decided_at DESC, p.id DESC LIMIT 1
    ) previous ON true
    WHERE d.approval = ANY(%(standing)s)
      AND NOT EXISTS (
          SELECT 1 FROM outcomes_caseevent e
          WHERE e.decision_id = d.id AND e.kind = ANY(%(decision_kinds)s)
      )
),
written AS (
    SELECT st.stood_at, st.id AS for_decision, 0 AS step,
           %(superseded)s AS kind, st.previous_id AS decision_id, c.id AS contact_id,
           c.erased_at,
           CASE WHEN c.erased_at IS NULL THEN {_SUPERSEDED_DATA} ELSE {_ERASED} END AS data
    FROM standing st
    JOIN screening_decision d ON d.id = st.id
    JOIN screening_decision old ON old.id = st.previous_id
    JOIN referrals_contact c ON c.id = st.contact_id
    UNION ALL
    SELECT st.stood_at, st.id, 1,
           CASE WHEN d.route = %(advice_route)s THEN %(closed)s ELSE %(stands)s END,
           d.id, c.id, c.erased_at,
           CASE WHEN c.erased_at IS NULL THEN {_DECISION_DATA} ELSE {_ERASED} END
    FROM standing st
    JOIN screening_decision d ON d.id = st.id
    JOIN referrals_contact c ON c.id = st.contact_id
    JOIN screening_thresholdlevel t ON t.id = d.threshold_level_id
    JOIN frontdoor_user decider ON decider.id = d.decided_by_id
    LEFT JOIN frontdoor_user approver ON approver.id = d.approved_by_id
)
-- Listed for the sequencer by the table's trigger (outcomes migration 0019).
INSERT INTO outcomes_caseevent (event_id, kind, contact_id, decision_id, occurred_at, data,
                                position, erased_at)
SELECT 'evt_' || replace(gen_random_uuid()::text, '-', ''), kind, contact_id, decision_id,
       stood_at, data, NULL, erased_at
FROM written
-- Ids in the order the services would have written them: the feed follows.
ORDER BY stood_at, for_decision, step
"""  # noqa: S608 -- every interpolation is a constant of this module


def _route_names() -> tuple[str, dict[str, str]]:
    """``get_route_display()`` in SQL: a CASE over the routes, with its parameters."""
    whens, params = [], {}
    for number, (value, label) in enumerate(Route.choices):
        whens.append(f"WHEN %(route_{number})s THEN %(route_name_{number})s")
        params |= {f"route_{number}": value, f"route_name_{number}": str(label)}
    return f"CASE d.route {' '.join(whens)} ELSE d.route END", params


def case_events_backfill() -> int:
    """Write the events of every standing decision that has none, and give them their
    feed positions; returns how many events were written."""
    route_names, params = _route_names()
    params |= {
        "standing": list(STANDING_APPROVALS),
        "decision_kinds": [
            CaseEvent.Kind.DECISION_STANDS.value,
            CaseEvent.Kind.CONTACT_CLOSED_AS_ADVICE.value,
        ],
        "superseded": CaseEvent.Kind.DECISION_SUPERSEDED.value,
        "stands": CaseEvent.Kind.DECISION_STANDS.value,
        "closed": CaseEvent.Kind.CONTACT_CLOSED_AS_ADVICE.value,
        "advice_route": Route.INFORMATION_AND_ADVICE.value,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_BACKFILL.replace("{route_names}", route_names), params)
        written = cursor.rowcount
    events_sequence()
    return written
