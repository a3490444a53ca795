"""A URL that fails, for testing the error page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from frontdoor.urls import handler500, urlpatterns  # noqa: F401


@login_not_required
def boom(request):
    raise RuntimeError("deliberate failure for the test")


@login_not_required
def database_away(request):
    """Reads from a PostgreSQL that is not there: a real refused connection."""
    from django.db import connections

    settings = {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": "9"}
    away = connections["default"].__class__(settings, alias="away")
    try:
        with away.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        away.close()


urlpatterns = [*urlpatterns, path("boom/", boom), path("database-away/", database_away)]
