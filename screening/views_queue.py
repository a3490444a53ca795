"""The screening queue, and the poll that keeps an open queue page current.

The page is a plain page: filters are a GET form, the search travels in the body and
the session, and a "Refresh" link draws it again. With JavaScript, htmx asks
``queue_updates`` every LIVE_QUEUE_POLL_SECONDS what changed since the page was drawn,
and swaps in only that: new rows, gone rows, and the cells of the rows that stay
(docs/adr/0041).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from frontdoor import page_parts
from frontdoor.audit import audit_views
from frontdoor.models import User
from frontdoor.sessions import POLL_HEADER
from frontdoor.shared_figures import shared
from referrals import selectors_warnings
from referrals.models import Contact
from screening import forms, queue_changes, selectors

PAGE_SIZE = 25
SEARCH_SESSION_KEY = "screening-queue-search"
SEARCH_REFUSED = (
    "The search had a null character (\\0) in it, which no name or reference has: type it again"
)


def _search_usable(term: object) -> bool:
    # PostgreSQL cannot compare text holding NUL: kept in the session, one such search
    # was a 500 on every visit to the queue.
    return isinstance(term, str) and "\x00" not in term


def _kept_search(request: HttpRequest, *, quietly: bool = False) -> str:
    """The queue search kept in the session; one that cannot be run is dropped (and
    said so, unless ``quietly``: a poll has nowhere to say it)."""
    term = request.session.get(SEARCH_SESSION_KEY, "")
    if _search_usable(term):
        return term
    if not quietly:
        request.session.pop(SEARCH_SESSION_KEY, None)
        messages.error(request, SEARCH_REFUSED)
    return ""


def _screener_only(request: HttpRequest) -> None:
    if not selectors.can_screen(request.user):
        raise PermissionDenied


def _filters(
    request: HttpRequest, *, search: str
) -> tuple[forms.QueueFilterForm, selectors.QueueFilters]:
    filter_form = forms.QueueFilterForm(
        request.GET or None,
        screeners=selectors.queue_screeners(user=request.user),
        check_agencies=selectors.queue_check_agencies(),
    )
    # Each filter stands on its own: one that cannot be used is said so on its field
    # (the page draws the form's errors), the others still apply.
    filter_form.is_valid()
    values = getattr(filter_form, "cleaned_data", {})
    filters = selectors.QueueFilters(
        status=values.get("status", ""),
        rag=values.get("rag", ""),
        channel=values.get("channel", ""),
        source_agency=values.get("source_agency", ""),
        assigned=values.get("assigned", ""),
        immediate=values.get("immediate", False),
        overdue_checks=values.get("overdue_checks", ""),
        complex=values.get("complex", False),
        re_referral=values.get("re_referral", False),
        search=search,
    )
    return filter_form, filters


def _query(request: HttpRequest) -> str:
    """The page's filters, without its page number, for links that keep them."""
    query = request.GET.copy()
    for name in ("page", "shown"):
        query.pop(name, None)
    return query.urlencode()


def _rows(contacts: list[Contact]) -> list[tuple[Contact, selectors.Clock]]:
    return [(c, selectors.clock_for(c, decided_at=c.first_decided_at)) for c in contacts]


def _row_context(user: User, contacts: list[Contact]) -> dict:
    """The rows as the table draws them in full (names, flags, warnings)."""
    rows = _rows(selectors.queue_flags(contacts))
    return {
        "rows": rows,
        # Every person on the rows' contacts with a warning, in one query.
        "warnings": selectors_warnings.warnings_on_contacts(
            user=user, contact_ids=[contact.pk for contact, _ in rows]
        ),
    }


def _immediate(user: User, *, fresh: bool) -> list[tuple[Contact, selectors.Clock]]:
    """The immediate-risk banner: the same for every screener, so shared between polls
    (``frontdoor.shared_figures``); its clocks are drawn now."""
    if not selectors.can_screen(user):
        return []
    contacts = shared("queue-immediate", lambda: selectors.immediate_risk(user=user), fresh=fresh)
    return _rows(contacts)


def _page_number(request: HttpRequest) -> int:
    """The page asked for; any that is not a plain number of up to three digits ("²",
    twenty nines) is the first (as forms_search's page)."""
    number = request.GET.get("page", "1")
    usable = number.isascii() and number.isdigit() and len(number) < 4
    return max(int(number), 1) if usable else 1


def _paged(request: HttpRequest, contacts, filters: selectors.QueueFilters, *, fresh: bool) -> Page:
    """The page of the queue asked for: always its own 25 rows, read first. On the last
    page how many match follows from them; before it, the count is shared between
    everyone polling the same filters (``frontdoor.shared_figures``), unless ``fresh`` or
    the filters are the person's own ("me", a search). A count shared a few seconds ago
    never changes which rows a page shows."""
    paginator = Paginator(contacts, PAGE_SIZE)
    number = _page_number(request)
    bottom = (number - 1) * PAGE_SIZE
    rows = selectors.queue_rows(contacts, bottom, bottom + PAGE_SIZE, filters=filters)
    if not rows and number > 1:
        return paginator.get_page(number)  # past the end (the queue shrank): the last page
    if len(rows) < PAGE_SIZE:
        paginator.count = bottom + len(rows)
    elif filters.assigned != "me" and not filters.search:
        key = "queue-count:" + repr(filters)
        paginator.count = max(shared(key, contacts.count, fresh=fresh), bottom + len(rows))
    return Page(rows, number, paginator)


def _live_context(request: HttpRequest, page: Page, immediate: list) -> dict:
    query = _query(request)
    here = f"?{query}&page={page.number}" if query else f"?page={page.number}"
    return {
        "poll_url": reverse("screening:queue-updates") + here,
        "refresh_url": reverse("screening:queue") + here,
        "poll_seconds": settings.LIVE_QUEUE_POLL_SECONDS,
        "poll_header": f'{{"{POLL_HEADER}": "1"}}',
        "shown": queue_changes.state_of(
            count=page.paginator.count,
            immediate=[contact for contact, _ in immediate],
            contacts=list(page.object_list),
            minute=queue_changes.minute_of(timezone.localtime()),
        ),
    }


@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    _screener_only(request)
    if request.method == "POST":
        # Names are personal data: the search term travels in the body and the
        # session, never in the URL.
        term = request.POST.get("search", "")[:100]
        if "clear" in request.POST:
            request.session.pop(SEARCH_SESSION_KEY, None)
        elif _search_usable(term):
            request.session[SEARCH_SESSION_KEY] = term
        else:
            messages.error(request, SEARCH_REFUSED)
        return redirect(f"{reverse('screening:queue')}?{request.GET.urlencode()}")
    filter_form, filters = _filters(request, search=_kept_search(request))
    page = _paged(request, selectors.queue(user=request.user, filters=filters), filters, fresh=True)
    rows = _row_context(request.user, list(page.object_list))
    immediate = _immediate(request.user, fresh=True)
    # A list shows children's names: record which contacts each person saw.
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids={c.reference for c, _ in rows["rows"] + immediate},
        request=request,
    )
    return render(
        request,
        "screening/queue.html",
        {
            "filter_form": filter_form,
            "page": page,
            **rows,
            "search": filters.search,
            "immediate": immediate,
            # Schools' notices a screener must confirm before their 08:30 (outcomes).
            **page_parts.context_for(page_parts.SCREENING_QUEUE, user=request.user),
            "query": _query(request),
            "can_approve": selectors.can_approve(request.user),
            **_live_context(request, page, immediate),
        },
    )


@require_GET
def queue_updates(request: HttpRequest) -> HttpResponse:
    """What changed on the page of the queue the browser shows (its hidden ``shown``
    field), as htmx out-of-band swaps: rows in and out, the kept rows' cells, the count,
    the immediate-risk banner, and a sentence for the page's polite live region."""
    _screener_only(request)
    _, filters = _filters(request, search=_kept_search(request, quietly=True))
    contacts = selectors.queue(user=request.user, filters=filters)
    page = _paged(request, selectors.queue_state(contacts), filters, fresh=False)
    current = list(page.object_list)
    shown = queue_changes.parse(request.GET.get("shown", ""))
    changes = queue_changes.compare(shown, current)
    minute = queue_changes.minute_of(timezone.localtime())
    # The kept rows' clocks are drawn again once the minute they show has passed.
    clocks = shown is None or shown.minute != minute
    immediate = _immediate(request.user, fresh=False)
    shown_immediate = set(shown.immediate) if shown else set()
    new_immediate = [c for c, _ in immediate if c.reference not in shown_immediate]
    # The rows drawn in full (names and all), read again whole: new ones, or every one
    # when the table is drawn afresh.
    drawn = [contact.pk for contact in (current if changes.redraw else changes.new)]
    full = (
        _row_context(request.user, list(contacts.filter(pk__in=drawn)))
        if drawn
        else {"rows": [], "warnings": {}}
    )
    audit_views(
        actor=request.user,
        record_type="contact",
        record_ids={c.reference for c, _ in full["rows"]}
        | ({c.reference for c, _ in immediate} if new_immediate else set()),
        request=request,
    )
    anchors = dict((contact.reference, anchor) for contact, anchor in changes.inserted)
    screeners_shown = {row.reference: row.screener_id for row in shown.rows} if shown else {}
    gone_taken = selectors.taken_among(
        user=request.user,
        shown=[(reference, screeners_shown.get(reference)) for reference in changes.gone],
    )
    summary = queue_changes.summary(
        changes=changes,
        shown=shown,
        count=page.paginator.count,
        gone_taken=len(gone_taken),
        new_immediate=len(new_immediate),
    )
    # A fragment: drawn without the page's context processors (navigation, roles).
    return HttpResponse(
        render_to_string(
            "screening/_queue_updates.html",
            {
                "page": page,
                "changes": changes,
                "redraw": changes.redraw,
                "rows": full["rows"],
                "warnings": full["warnings"],
                "anchors": anchors,
                "new_references": {c.reference for c in changes.new} if shown else set(),
                "kept": _rows(selectors.with_decided_at(changes.kept))
                if clocks
                else [(c, None) for c in changes.kept],
                "changed": {c.reference for c in changes.changed},
                "immediate": immediate,
                # The banner shows clocks too: drawn again when they are.
                "immediate_changed": (clocks and bool(immediate))
                or shown is None
                or [c.reference for c, _ in immediate] != list(shown.immediate),
                "count_changed": shown is None or shown.count != page.paginator.count,
                "summary": summary,
                "at": timezone.localtime(),
                "query": _query(request),
                **_live_context(request, page, immediate),
            },
        )
    )
