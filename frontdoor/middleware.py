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
    A form with a file (the outcomes import) may be as large as the file limit allows.
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
        if request.content_type == "multipart/form-data" and not request.path.startswith("/api/"):
            limit += current.import_bytes
        if length > limit:
            return too_large_response(request, current.request_body_bytes)
        return self.get_response(request)
