"""Settings for alerts to the people who must act (outcomes/alerts, docs/adr/0042): the
thresholds the periodic scan applies, when checks fall due, and the daily digest. Part
of every profile through base.py."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ImproperlyConfigured

from .environment import env


def _positive(name: str, default: float) -> float:
    value = env.float(name, default=default)
    if value <= 0:
        raise ImproperlyConfigured(
            f"{name} is a number of hours or minutes above 0 (it is {value})."
        )
    return value


def _london_time(name: str, default: str) -> time:
    given = env.str(name, default=default)
    try:
        return time.fromisoformat(given)
    except ValueError:
        raise ImproperlyConfigured(f"{name} is a time of day like 08:00 (it is {given}).") from None


# A multi-agency check sent to an agency is due back within this many working hours of
# being sent; after that it is overdue (screening.models_checks.answer_overdue, the one
# rule the alerts, the today page and the queue's filter use), and the agency's MAST
# members are alerted.
CHECK_ANSWER_WORKING_HOURS = _positive("CHECK_ANSWER_WORKING_HOURS", 4.0)
# Managers are alerted when a decision (or a check without consent) has waited this many
# working hours for a manager's approval.
ALERTS_APPROVAL_WAIT_WORKING_HOURS = _positive("ALERTS_APPROVAL_WAIT_WORKING_HOURS", 2.0)
# Managers are alerted when an immediate-risk contact has not been taken by a screener
# this many working minutes after it was received.
ALERTS_IMMEDIATE_NOT_TAKEN_MINUTES = _positive("ALERTS_IMMEDIATE_NOT_TAKEN_MINUTES", 30.0)
# The periodic scan raises alerts only for conditions that arose since it last ran to
# the end (a row in the database, kept across deployments). The very first scan looks
# back this many minutes; none ever looks back more than ALERTS_LOOKBACK_HOURS (a
# scheduler back after longer than that does not alert about what is older).
ALERTS_FIRST_SCAN_LOOKBACK_MINUTES = _positive("ALERTS_FIRST_SCAN_LOOKBACK_MINUTES", 60.0)
ALERTS_LOOKBACK_HOURS = _positive("ALERTS_LOOKBACK_HOURS", 72.0)
# When one scan would give one person more than this many alerts of one kind (a
# scheduler back after an outage), they get one alert saying how many instead, linking
# to the list that shows them.
ALERTS_SUMMARY_OVER = env.int("ALERTS_SUMMARY_OVER", default=10)
if ALERTS_SUMMARY_OVER < 1:
    raise ImproperlyConfigured(
        f"ALERTS_SUMMARY_OVER is a whole number above 0 (it is {ALERTS_SUMMARY_OVER})."
    )
# Those who choose a daily digest get one email at or after this London time each day,
# listing the alerts waiting for it.
ALERTS_DIGEST_TIME = _london_time("ALERTS_DIGEST_TIME", "08:00")
# The address the links in alert emails start with (this service, as staff reach it).
ALERTS_LINK_BASE_URL = env.str("SERVICE_BASE_URL", default="http://localhost:8000").rstrip("/")
# The outboxes (notices, alerts, alert digests; outcomes/outbox.py): an email that failed
# for now is tried again after 1, 2, 4 … minutes, waiting at most this many minutes
# between attempts, and fails for good (for a person to see) after this many attempts.
OUTBOX_RETRY_MAX_MINUTES = _positive("OUTBOX_RETRY_MAX_MINUTES", 60.0)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
if not 1 <= OUTBOX_MAX_ATTEMPTS <= 1000:
    raise ImproperlyConfigured(
        f"OUTBOX_MAX_ATTEMPTS is a whole number from 1 to 1000 (it is {OUTBOX_MAX_ATTEMPTS})."
    )
