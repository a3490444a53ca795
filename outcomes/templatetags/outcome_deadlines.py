"""The deadlines summary on pages of earlier apps (the screening contact page).

Screening may not import outcomes (apps depend one way: referrals -> screening ->
outcomes), so its template asks for the summary through this tag instead of its view.
"""

from __future__ import annotations

from django import template

from outcomes.selectors import ChildDeadlines, deadlines_for
from referrals.models import Contact

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_deadlines(context, contact: Contact) -> list[ChildDeadlines]:
    request = context.get("request")
    if request is None or contact is None:
        return []
    return deadlines_for(contact, user=request.user)
