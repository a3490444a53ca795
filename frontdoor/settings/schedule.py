"""What the scheduler (Celery beat) runs and when: sweepers that queue work a lost
message or a stopped broker left behind, and the periodic jobs. Part of every profile
through base.py; each task is safe to run twice."""

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE = {
    # Every five minutes in UTC; the task works out which London-time slots are
    # due, so clock changes neither skip nor repeat a meeting.
    "complex-case-runs": {
        "task": "screening.tasks.complex_case_runs_due",
        "schedule": 300.0,
    },
    # Events to case systems: retries when due, and whatever a lost task left.
    "sweep-webhooks": {
        "task": "outcomes.tasks.webhooks_sweep",
        "schedule": 30.0,
    },
    "sweep-notices": {
        "task": "outcomes.tasks.notices_sweep",
        "schedule": 60.0,
    },
    # Work recorded but not taken by a worker: uploaded outcomes files, census checks and
    # approved erasures the broker refused (it was down) or a killed worker lost
    # (frontdoor/dispatch.py, docs/adr/0020).
    "sweep-waiting-work": {
        "task": "outcomes.tasks.waiting_work_sweep",
        "schedule": 120.0,
    },
    "retention-review": {
        "task": "outcomes.tasks.retention_review",
        "schedule": 24 * 3600.0,
    },
    # Police notification files the broker did not take or a killed worker lost, their
    # summaries not yet sent, and reports past POLICE_IMPORT_REPORT_DAYS (docs/adr/0040).
    "sweep-police-imports": {
        "task": "referrals.tasks.police_imports_sweep",
        "schedule": 120.0,
    },
    "restrictions-review-due": {
        "task": "referrals.tasks.restrictions_review_due",
        "schedule": 6 * 3600.0,
    },
    # Counting a region's scorecard takes minutes: done overnight, kept, and shown
    # as counted at that moment (outcomes/scorecard/services.py).
    "scorecard-snapshots": {
        "task": "outcomes.tasks.scorecard_snapshots_take",
        "schedule": crontab(minute=30, hour=1),
    },
    # Closed months' scorecard facts, counted once and kept; a month a late change
    # marked is kept again here (outcomes/scorecard/services_months.py, ADR 0049).
    "scorecard-months-keep": {
        "task": "outcomes.tasks.scorecard_months_keep",
        "schedule": crontab(minute="*/10"),
    },
    # Letters the council posts itself join the day's print batch each hour, until a
    # manager first downloads it (outcomes/letters.py); safe to run again.
    "print-batch-gather": {
        "task": "outcomes.tasks.print_batch_gather",
        "schedule": crontab(minute=5),
    },
    # Documents held because clamd could not be asked: scanned once it answers again.
    "documents-scan-quarantined": {
        "task": "referrals.tasks.documents_scan_quarantined",
        "schedule": 300.0,
    },
    # Alerts (docs/adr/0042): conditions found and emails swept each minute, each on its
    # own entry (a failing scan never stops retries); the daily digest goes at
    # ALERTS_DIGEST_TIME London time, which the task works out.
    "alerts-scan": {
        "task": "outcomes.alerts.tasks.alerts_scan",
        "schedule": 60.0,
    },
    "alerts-sweep": {
        "task": "outcomes.alerts.tasks.alerts_sweep",
        "schedule": 60.0,
    },
    "alerts-digests": {
        "task": "outcomes.alerts.tasks.alert_digests_due",
        "schedule": 300.0,
    },
    # Each Monday, the week just ended's decision audit sample (once per week whatever
    # runs it: screening/audits/services.py), and any audit still waiting for a manager.
    "decision-audit-sample": {
        "task": "screening.tasks.decision_audit_sample_last_week",
        "schedule": crontab(minute=40, hour=2, day_of_week="mon"),
    },
    "clear-expired-sessions": {
        "task": "frontdoor.tasks.sessions_clear_expired",
        "schedule": crontab(minute=17, hour=3),
    },
}
