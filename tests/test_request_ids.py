"""Request ids on responses, in log lines and on the error page; JSON log lines."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from frontdoor.request_ids import JsonFormatter, RequestIdFilter, current_request_id


def test_every_response_carries_a_request_id(client, db):
    first = client.get(reverse("sign-in"))["X-Request-ID"]
    second = client.get(reverse("sign-in"))["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_callers_request_id_is_kept_only_when_it_looks_like_one(client, db):
    kept = client.get(reverse("sign-in"), HTTP_X_REQUEST_ID="trace-0123456789")
    assert kept["X-Request-ID"] == "trace-0123456789"
    replaced = client.get(reverse("sign-in"), HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(replaced["X-Request-ID"]) == 32


def test_log_lines_written_during_a_request_carry_its_id(client, screener, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    client.force_login(screener)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/referrals/contacts/FD-1999-000001/")
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    assert records[-1].request_id == response["X-Request-ID"]


def test_json_log_lines():
    token = current_request_id.set("abc12345")
    try:
        record = logging.LogRecord("frontdoor", logging.INFO, __file__, 1, "Sent %s", ("x",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        current_request_id.reset(token)
    assert line["message"] == "Sent x"
    assert line["request_id"] == "abc12345"
    assert line["level"] == "INFO"


@pytest.mark.urls("tests.urls_failing")
def test_the_error_page_quotes_the_request_id(client, db):
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_X_REQUEST_ID="report-me-123456")
    assert response.status_code == 500
    assert b"report-me-123456" in response.content


@pytest.mark.urls("tests.urls_failing")
@pytest.mark.parametrize("debug", [True, False])
def test_a_database_outage_shows_the_plain_error_page_even_with_debug_on(
    client, db, settings, debug
):
    """Issue 16, finding 12: DEBUG's technical page would show the request's data."""
    settings.DEBUG = debug
    client.raise_request_exception = False
    response = client.post(
        "/database-away/", {"first_name": "Amelia-Marker"}, HTTP_X_REQUEST_ID="outage-7788"
    )
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "outage-7788" in page
    assert "Amelia-Marker" not in page
    assert "Traceback" not in page


@pytest.mark.urls("tests.urls_failing")
def test_other_failures_keep_the_debug_page_for_developers(client, db, settings):
    settings.DEBUG = True
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert "deliberate failure for the test" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("formatter", ["plain", "json"])
def test_a_database_error_in_the_log_carries_no_values(formatter):
    """PostgreSQL's message quotes the failing row ("Failing row contains (…)"); the
    app's log keeps the traceback and the constraint, never the values."""
    from django.conf import settings
    from django.db import IntegrityError, connection, transaction
    from django.utils.module_loading import import_string

    config = dict(settings.LOGGING["formatters"][formatter])
    factory = import_string(config.pop("()"))
    chosen = factory(**({"fmt": config["format"]} if "format" in config else {}))
    child_name = "Amelia-" + "Marker-943"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE redaction_probe (name text, CONSTRAINT short CHECK"
                " (length(name) < 3))"
            )
            cursor.execute("INSERT INTO redaction_probe VALUES (%s)", [child_name])
    except IntegrityError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), None
        )
        record.exc_info = sys.exc_info()
        RequestIdFilter().filter(record)
        line = chosen.format(record)
    assert "Amelia-Marker-943" not in line
    assert "short" in line  # the constraint, to debug by
    assert "Traceback" in line
    assert "values withheld" in line
