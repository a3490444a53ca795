"""/healthz reports the virus scanner like the database, Redis and the worker: a real
clamd of the test's own, stopped and started again."""

from datetime import datetime

from django.urls import reverse

from tests.support.documents import own_clamd


def test_healthz_reports_the_scanner_its_signatures_and_503_while_it_is_down(client, db, settings):
    settings.HEALTH_WORKER_REPLY_SECONDS = 0.05  # no worker here; its check is not the point
    with own_clamd() as clamd:
        settings.CLAMD_SOCKET = str(clamd.socket)
        settings.CLAMD_HOST = ""
        settings.CLAMD_EMBEDDED = False

        scanner = client.get(reverse("healthz")).json()["checks"]["scanner"]
        assert scanner["ok"] is True
        assert scanner["version"].startswith("ClamAV ")
        # This clamd has only the test's own EICAR line, no official database: said so.
        assert scanner["signatures"] == "local signatures only (no official ClamAV database)"
        assert scanner["signatures_date"] is None

        clamd.stop()
        down = client.get(reverse("healthz"))
        assert down.status_code == 503
        assert down.json()["status"] == "unavailable"
        assert down.json()["checks"]["scanner"] == {
            "ok": False,
            "detail": "the virus scanner did not answer",
        }
        # Where the scanner listens is not for an unauthenticated page.
        assert str(clamd.socket) not in down.text
        assert str(clamd.directory) not in down.text

        clamd.start()
        again = client.get(reverse("healthz")).json()["checks"]["scanner"]
        assert again["ok"] is True
        assert str(clamd.socket) not in str(again)


def test_healthz_names_the_embedded_test_database_and_its_date(client, db, settings):
    """The embedded clamd (no CLAMD_SOCKET/HOST set) scans with a database this install
    wrote: healthz says so, with the date it was written, never its directory."""
    settings.HEALTH_WORKER_REPLY_SECONDS = 0.05
    assert settings.CLAMD_EMBEDDED

    response = client.get(reverse("healthz"))

    scanner = response.json()["checks"]["scanner"]
    assert scanner["ok"] is True
    assert "EICAR" in scanner["signatures"]
    assert datetime.fromisoformat(scanner["signatures_date"]).year >= 2024
    assert ".frontdoor" not in response.text
    assert "clamd.sock" not in response.text


def test_the_upload_page_names_the_scanner_its_database_and_the_signatures_date(
    client, db, referrer
):
    """What the issue asks of the page: which signature database, of which date, the
    embedded clamd scans with (here, as in `make run`: the install's own EICAR line)."""
    from frontdoor import embedded_clamd
    from tests.factories import submit_contact

    _, _, database_dir = embedded_clamd.paths()
    dated = embedded_clamd.database_date(database_dir)
    contact = submit_contact(referrer)
    client.force_login(referrer)

    page = client.get(reverse("referrals:document-add", args=[contact.reference]))

    assert page.status_code == 200
    assert (
        "with this install's own test database, which detects only the EICAR test file "
        f"(signatures dated {dated:%-d %B %Y})"
    ) in page.text.replace("&#x27;", "'")
