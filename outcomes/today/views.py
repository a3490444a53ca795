"""The today page, and the poll that keeps it current (docs/adr/0041). Managers and
screeners only; a manager's page is the whole front door's, a screener's their own
work. No child is named on it, so it audits nothing: the lists behind its figures do."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from frontdoor.sessions import POLL_HEADER
from outcomes.today import changes, selectors


def _figures(request: HttpRequest, *, fresh: bool) -> selectors.Today:
    figures = selectors.today(user=request.user, fresh=fresh)
    if figures is None:
        raise PermissionDenied
    return figures


def _context(figures: selectors.Today) -> dict:
    return {
        "today": figures,
        "seen": changes.seen_of(figures),
        "poll_url": reverse("outcomes:today-figures"),
        "poll_seconds": settings.LIVE_TODAY_POLL_SECONDS,
        "poll_header": f'{{"{POLL_HEADER}": "1"}}',
        "breaching_hours": f"{settings.BREACHING_WITHIN_HOURS:g}",
        "encompass_hours": settings.ENCOMPASS_DUE_SOON_HOURS,
    }


@require_GET
def today(request: HttpRequest) -> HttpResponse:
    return render(request, "outcomes/today.html", _context(_figures(request, fresh=True)))


@require_GET
def today_figures(request: HttpRequest) -> HttpResponse:
    """The figures again when they changed since the browser's (its hidden ``seen``
    field), with a sentence for the live region; 204 (htmx leaves the page) if not."""
    figures = _figures(request, fresh=False)
    seen = request.GET.get("seen", "")
    context = _context(figures)
    if seen == context["seen"]:
        return HttpResponse(status=204)
    context["summary"] = changes.summary(changes.parse(seen), figures)
    # A fragment: drawn without the page's context processors (navigation, roles).
    return HttpResponse(render_to_string("outcomes/today_update.html", context))
