"""Settings for the pages that keep themselves current (the today page and the screening
queue, docs/adr/0041). Part of every profile through base.py. A check's own clock,
CHECK_ANSWER_WORKING_HOURS, is with the alerts' settings (alerts.py)."""

from __future__ import annotations

from .environment import env

# How often an open page asks the server what changed (htmx polling, one small request).
LIVE_QUEUE_POLL_SECONDS = env.float("LIVE_QUEUE_POLL_SECONDS", default=15.0)
LIVE_TODAY_POLL_SECONDS = env.float("LIVE_TODAY_POLL_SECONDS", default=30.0)
# Figures many open pages poll for (every manager's today page, the whole queue's count)
# are worked out once and shared this long (frontdoor.shared_figures); 0: never shared.
LIVE_SHARED_SECONDS = env.float("LIVE_SHARED_SECONDS", default=10.0)
# "Breaching soon" on the today page and the queue's filter: due within this many hours
# of wall-clock time (the amber state, AMBER_WHEN_LEFT, counts working time).
BREACHING_WITHIN_HOURS = env.float("BREACHING_WITHIN_HOURS", default=2.0)
