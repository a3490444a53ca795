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
