"""Parts of an earlier app's page that a later app fills in.

Apps depend one way (referrals <- screening <- outcomes), yet a page of an earlier app
may show what a later app holds: the screening contact page shows each child's
statutory deadlines and any case closed since an earlier referral, which outcomes
keeps. The earlier app's view asks for its page's parts by name and adds them to its
template context; a later app provides them in its ``AppConfig.ready``. So the view
computes everything the template shows (no template tag runs a later app's selector
while rendering), and no app imports a later one. Like ``events``: the parts are few,
named here, and documented where they are provided.
See docs/adr/0021-layers-and-the-demo-app.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

# The screening contact page: user=User, contact=Contact. Outcomes provides
# ``guidance`` (the re-referral guidance: earlier referrals and cases closed since) and
# ``deadlines`` (each child's statutory deadlines) and ``family_letters`` (the letters
# the council prints and posts, each with its state), in outcomes/apps.py.
SCREENING_CONTACT = "screening.contact"
# The family panel on that page: user=User, contact=Contact, person_ids=list[int] (the
# family members whose records the user may open). Outcomes provides ``family_work``
# (each person's open downstream work: an assessment, a child protection plan), in
# outcomes/apps.py.
SCREENING_FAMILY = "screening.family"
# The screening queue: user=User. Outcomes provides ``encompass_due_soon`` (schools'
# Operation Encompass notices waiting for a screener to confirm the child's school and
# due within ``ENCOMPASS_DUE_SOON_HOURS``, or overdue) and ``encompass_due_soon_more``
# (how many more than are listed; ``encompass_waiting_url`` lists them all), in
# outcomes/apps.py.
SCREENING_QUEUE = "screening.queue"
# A signed-in user's home page: user=User. Screening provides ``meeting_actions`` (the
# open actions complex-case meetings gave the user), ``audit_feedback`` (graded audits
# of the user's decisions) and ``audits_to_grade`` (audits given to the user), in
# screening/apps.py; outcomes provides ``alerts`` (the user's unseen alerts,
# outcomes/alerts), in outcomes/apps.py.
HOME = "frontdoor.home"

_providers: dict[str, list[Callable[..., dict[str, Any]]]] = defaultdict(list)


def provide(part: str, provider: Callable[..., dict[str, Any]]) -> None:
    if provider not in _providers[part]:
        _providers[part].append(provider)


def context_for(part: str, **arguments) -> dict[str, Any]:
    """What the later apps add to the page, merged in the order they were provided."""
    context: dict[str, Any] = {}
    for provider in _providers[part]:
        context.update(provider(**arguments))
    return context
