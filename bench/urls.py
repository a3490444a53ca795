"""The app's URLs plus the bare-framework floor the benchmarks compare pages with.

The floor is the least a page here can cost: a signed-in request through the same
middleware (sessions, CSRF, CSP nonces, two-factor, request ids) rendering the
same base template, with no query of its own. A page's ratio to it says how much
the page's own work adds, and stays comparable between a laptop and a busy CI box.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from frontdoor.urls import handler403, handler500
from frontdoor.urls import urlpatterns as app_urlpatterns

__all__ = ["handler403", "handler500", "urlpatterns"]


@login_required
def floor(request):
    return render(request, "base.html", {})


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *app_urlpatterns]
