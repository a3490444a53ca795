"""Settings for Operation Encompass: notices to a child's school after police attend a
domestic abuse incident (outcomes/encompass, docs/adr/0038). Part of every profile
through base.py."""

from __future__ import annotations

from datetime import time

from .environment import env

# Under-fives at a registered early-years setting get a notice too, where the council
# has chosen to share with early-years settings.
ENCOMPASS_EARLY_YEARS = env.bool("ENCOMPASS_EARLY_YEARS", default=False)
# A notice is due before this time on the school's next school day.
ENCOMPASS_DUE_TIME = time.fromisoformat(env.str("ENCOMPASS_DUE_TIME", default="08:30"))
# A notice held over a school holiday goes to the school at this time on the day before
# its first day back, so it is waiting when the Key Adult starts.
ENCOMPASS_HOLD_RELEASE_TIME = time.fromisoformat(
    env.str("ENCOMPASS_HOLD_RELEASE_TIME", default="16:00")
)
# How long the acknowledgement link in a notice works, from when it was sent.
ENCOMPASS_ACKNOWLEDGE_DAYS = env.int("ENCOMPASS_ACKNOWLEDGE_DAYS", default=14)
# The address schools open the acknowledgement link at (this service, as the internet
# reaches it), without a trailing slash.
ENCOMPASS_LINK_BASE_URL = env.str("SERVICE_BASE_URL", default="http://localhost:8000").rstrip("/")
# Local authorities (GIAS "LA (name)") whose schools the directory keeps from a national
# extract; empty keeps every school in the file.
ENCOMPASS_LOCAL_AUTHORITIES = env.list("ENCOMPASS_LOCAL_AUTHORITIES", default=[])
# What the notice suggests may help, in the council's words.
ENCOMPASS_SUPPORT_TEXT = env.str(
    "ENCOMPASS_SUPPORT_TEXT",
    default=(
        "The child may be tired, anxious or unsettled today. A quiet check-in with a "
        "trusted adult, flexibility about homework and uniform, and a safe space to go "
        "to may help. Follow your school's safeguarding procedures and talk to the front "
        "door if you are worried."
    ),
)
# The screening queue's banner lists notices waiting for their school that are due
# within this many hours (a notice due at 08:30 needs a screener the evening before).
ENCOMPASS_DUE_SOON_HOURS = env.int("ENCOMPASS_DUE_SOON_HOURS", default=12)
