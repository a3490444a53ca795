"""Settings for the clocks (an immediate-risk contact's, each police risk grade's) and
for police notifications (docs/adr/0037): the cumulative rule and the CSV import's
limits. Part of every profile through base.py."""

from __future__ import annotations

from .environment import env

# Weekends count as working days on the council's own clocks where it has weekend cover
# (frontdoor.working_days, docs/adr/0006); never on the law's. Defined, not left to a
# default where it is read: reading a setting that is not defined raises inside Django
# each time, and the scorecard reads it for every contact it counts.
WORKING_DAYS_INCLUDE_WEEKENDS = False
# Working hours from receipt to the decision on an immediate-risk contact (the referrer
# said a child may be at risk of significant harm today, or the police graded the risk
# high). Never later than the one-working-day clock every contact has
# (frontdoor.working_days.decision_due): a longer figure is capped at it.
IMMEDIATE_RISK_WORKING_HOURS = env.float("IMMEDIATE_RISK_WORKING_HOURS", default=2.0)
# The same for police notifications graded medium and standard (high is immediate risk).
POLICE_RESPONSE_WORKING_HOURS = {
    "medium": env.float("POLICE_RESPONSE_HOURS_MEDIUM", default=8.0),
    "standard": env.float("POLICE_RESPONSE_HOURS_STANDARD", default=24.0),
}
# The cumulative rule: this many police notifications about one child (matched to one
# person record, whatever the address) within this many months flags the child.
POLICE_CUMULATIVE_NOTIFICATIONS = env.int("POLICE_CUMULATIVE_NOTIFICATIONS", default=3)
POLICE_CUMULATIVE_MONTHS = env.int("POLICE_CUMULATIVE_MONTHS", default=12)
# A force's batch file (the upload page and the import_police_notifications command).
POLICE_IMPORT_MAX_ROWS = env.int("POLICE_IMPORT_MAX_ROWS", default=5000)
POLICE_IMPORT_MAX_BYTES = env.int("POLICE_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# How many standard-grade notifications the bulk triage page lists (and takes) at once.
POLICE_BULK_TRIAGE_MAX = env.int("POLICE_BULK_TRIAGE_MAX", default=50)
# Files of at most this many rows are imported while the uploader waits; larger ones by
# the worker while the page shows how far it has gone (docs/adr/0040).
POLICE_IMPORT_INLINE_ROWS = env.int("POLICE_IMPORT_INLINE_ROWS", default=25)
# How long an import's report by row (which can name people, in a refusal or in how a
# re-send differs) is kept for its uploader; the counts stay.
POLICE_IMPORT_REPORT_DAYS = env.int("POLICE_IMPORT_REPORT_DAYS", default=30)
# This service's address as staff reach it, without a trailing slash: the link to an
# import's report in its summary email (the same variable as ENCOMPASS_LINK_BASE_URL).
SERVICE_BASE_URL = env.str("SERVICE_BASE_URL", default="http://localhost:8000").rstrip("/")

# A kept job (frontdoor.jobs: a police or outcomes file) whose run was lost this many
# times (the worker killed mid-file each time) is failed, its file emptied, not retried.
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)
