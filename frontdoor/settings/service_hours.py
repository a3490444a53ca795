"""Settings for the front door's service hours and the emergency duty team (EDT, issue 24
part 3, docs/adr/0044): when the day team is open, and whether the queue's operational
clock and RAG follow those hours. The statutory one-working-day measure on the scorecard
never follows them (frontdoor.working_days.decision_due). Part of every profile through
base.py."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ImproperlyConfigured

from .environment import env


def service_hours(name: str, default: str) -> tuple[time, time] | None:
    """``"08:00-22:00"`` as (opens, closes) in London time; ``""`` or ``"closed"`` for
    no service that day. Closing at midnight is written ``24:00``."""
    given = env.str(name, default=default).strip()
    if given.lower() in ("", "closed"):
        return None
    opens, _, closes = given.partition("-")
    try:
        start = time.fromisoformat(opens.strip())
        end = time.max if closes.strip() == "24:00" else time.fromisoformat(closes.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} is opening and closing times like 08:00-22:00, or closed (it is {given})."
        ) from None
    if end <= start:
        raise ImproperlyConfigured(f"{name} closes after it opens (it is {given}).")
    return start, end


# The day team's hours Monday to Friday (not bank holidays) and at weekends and on bank
# holidays. Outside them the emergency duty team covers; what it records is handed over
# when the service next opens, at the top of the queue.
SERVICE_HOURS_WEEKDAYS = service_hours("SERVICE_HOURS_WEEKDAYS", "08:00-22:00")
SERVICE_HOURS_WEEKENDS = service_hours("SERVICE_HOURS_WEEKENDS", "10:00-16:00")
# The council's choice: when true, a contact received out of hours starts its
# operational clock (the queue's due time and RAG, alerts) when the service next opens,
# and the time left counts only service hours. The scorecard's statutory measure is the
# same either way.
CLOCK_FOLLOWS_SERVICE_HOURS = env.bool("CLOCK_FOLLOWS_SERVICE_HOURS", default=False)
