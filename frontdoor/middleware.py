import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime

from frontdoor.errors import RecordMerged

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NUL_REFUSED = (
    "The address or the names of the form's fields contain a null character (\\0). "
    "No link or form in Front Door makes one: check the address, or go back and try again."
)


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in user may hold case data: never let a browser or
    proxy keep a copy (a shared computer's back button must not show them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


def too_large_response(request, limit: int):
    """413: JSON for the partner API, a GOV.UK page for everyone else. Rendered without
    context processors: it may answer before the session or the user is known."""
    from django.http import HttpResponse, JsonResponse
    from django.template import loader

    from frontdoor.limits import in_megabytes

    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": f"The request body is too large: send at most {in_megabytes(limit)}."},
            status=413,
        )
    page = loader.get_template("413.html").render({"limit": in_megabytes(limit)})
    return HttpResponse(page, status=413)


class BodySizeLimitMiddleware:
    """Refuses a body larger than the limit by its Content-Length, before it is read.

    Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) covers form fields only when they
    are read, not uploaded files and not the API's JSON, which is read as a stream.
    A form with a file (the outcomes import, a document) may be as large as the file limit
    allows; so may the partner API's document upload.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from frontdoor.limits import limits

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        current = limits()
        limit = current.request_body_bytes
        is_api = request.path.startswith("/api/")
        if request.content_type == "multipart/form-data" and not is_api:
            limit += max(current.import_bytes, current.document_bytes)
        elif is_api and request.path.endswith("/documents/"):
            # A partner's document, as a file or in base64 (a third larger), and its fields.
            limit += current.document_bytes * 4 // 3 + 4
        if length > limit:
            return too_large_response(request, current.request_body_bytes)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A clear 400 for a null character anywhere no person types one: the path, the
    query string (names and values) and the names of a form's fields.

    PostgreSQL cannot hold NUL in text, so without this a ``%00`` in a reference reached
    a query and became a 500. Values typed into a form are left to the form, which
    answers on the field and keeps the other answers (Django's and DRF's CharField refuse
    NUL; the contact form's draft drops it, see referrals.services.draft_save). A form's
    body is read here, as CSRF protection reads it anyway before any view runs (so no
    view can set its own upload handlers without changing this too).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        if NUL in request.path_info or NUL in request.path:
            return True
        if any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists()):
            return True
        if request.method == "POST" and request.content_type in FORM_TYPES:
            if any(NUL in key for key in request.POST):
                return True
            return any(
                NUL in key or any(NUL in (upload.name or "") for upload in uploads)
                for key, uploads in request.FILES.lists()
            )
        return False

    @staticmethod
    def _refuse(request) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return HttpResponse(
                json.dumps({"detail": NUL_REFUSED}),
                status=400,
                content_type="application/json",
            )
        return render(request, "400.html", {"reason": NUL_REFUSED}, status=400)


class MergedRecordMiddleware:
    """Opening a merged person record's tombstone (``frontdoor.errors.RecordMerged``)
    lands on the same page of the record it was merged into, saying so: the record
    page, the chronology, its PDF, anything that opens a person by id. A POST is not
    carried over (it was about the old record, and the kept one may say otherwise):
    nothing is saved, and the page says so and gives back what was typed, to copy
    into the kept record's page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RecordMerged):
            return None
        when = date_format(localtime(exception.merged_at), "j F Y")
        notice = f"Person record {exception.merged_id} was merged into this record on {when}."
        target = _same_page_of_kept_record(request, exception)
        if request.method in ("GET", "HEAD"):
            messages.info(request, notice)
            return redirect(target)
        context = {
            "merged_id": exception.merged_id,
            "kept_id": exception.kept_id,
            "merged_on": when,
            "target": target,
            "typed": _typed(request),
        }
        return render(request, "merged_record_post.html", context, status=409)


def _same_page_of_kept_record(request, exception: RecordMerged) -> str:
    match = request.resolver_match
    if match is None or "person_id" not in match.kwargs:
        return exception.record_url
    # Only the person's own id changes (a page of the old record's warning, say, has
    # ids of its own).
    kwargs = {**match.kwargs, "person_id": exception.kept_id}
    try:
        target = reverse(match.view_name, kwargs=kwargs)
    except NoReverseMatch:
        return exception.record_url
    if request.method in ("GET", "HEAD") and request.META.get("QUERY_STRING"):
        target = f"{target}?{request.META['QUERY_STRING']}"
    return target


def _typed(request) -> list[tuple[str, str]]:
    """What the refused form held, field by field, for the person to copy: everything
    but the CSRF token and the empty fields, in the order sent."""
    typed = []
    for name, values in request.POST.lists():
        if name == "csrfmiddlewaretoken":
            continue
        value = "\n".join(v for v in values if v.strip())
        if value:
            typed.append((name.replace("_", " ").strip().capitalize() or name, value))
    return typed
