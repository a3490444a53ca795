"""What a person sees when the database cannot be reached, whatever DEBUG says.

With DEBUG on, Django answers an unhandled exception with its technical page: the
traceback, the settings and the request's POST data, which on this service is a
child's details. A database outage is not a bug a developer needs that page for, and
it is exactly when someone demonstrating or testing the service is looking: so it
gets the same page as production. Any other exception keeps Django's debug page.

``RecordRestricted`` is here too: the apps' access functions raise it, and the core's
403 handler (``frontdoor.views.permission_denied``) answers it, without importing an app.
``RecordMerged`` likewise, answered by a redirect to the record it was merged into.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.template import loader
from django.views.debug import ExceptionReporter

from frontdoor.request_ids import current_request_id

OUTAGES = (OperationalError, InterfaceError)


class RecordRestricted(PermissionDenied):
    """The record exists but is restricted to named people; says whom to ask.

    ``restriction`` is a ``referrals.models.Restriction``: the handler reads its
    ``ask``, ``contact`` and ``person_id``, and needs no import of the app for that.
    """

    def __init__(self, restriction):
        super().__init__("This record is restricted")
        self.restriction = restriction


class RecordMerged(Exception):
    """The person record opened was merged into another: ``frontdoor.middleware.
    MergedRecordMiddleware`` sends the request to the same page of the kept record
    (``kept_id``), saying so. Raised by ``referrals.selectors.person_get``."""

    def __init__(self, *, merged_id: int, kept_id: int, merged_at, record_url: str):
        super().__init__(f"Person record {merged_id} was merged into {kept_id}")
        self.merged_id, self.kept_id, self.merged_at = merged_id, kept_id, merged_at
        # The kept record's own page: where a POST, or a page not about one person, goes.
        self.record_url = record_url


def is_outage(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OUTAGES):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def error_page_html(request) -> str:
    """The production error page (templates/500.html), drawn without context
    processors: the database may be what failed."""
    request_id = getattr(request, "request_id", None) or current_request_id.get()
    return loader.get_template("500.html").render({"request_id": request_id})


class OutageAwareExceptionReporter(ExceptionReporter):
    """DEFAULT_EXCEPTION_REPORTER: the plain error page for database outages."""

    def get_traceback_html(self):
        if is_outage(self.exc_value):
            return error_page_html(self.request)
        return super().get_traceback_html()

    def get_traceback_text(self):
        if is_outage(self.exc_value):
            return "The database could not be reached. Try again later."
        return super().get_traceback_text()
