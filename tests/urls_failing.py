"""A URL that fails, for testing the error page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from frontdoor.urls import handler500, urlpatterns  # noqa: F401


@login_not_required
def boom(request):
    raise RuntimeError("deliberate failure for the test")


urlpatterns = [*urlpatterns, path("boom/", boom)]
