"""Personas, a real Celery worker, and a real browser.

Everything here talks to the real PostgreSQL and Redis the settings point at
(embedded by default); nothing is faked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client

from frontdoor.celery import app as celery_app
from frontdoor.models import Agency, ReferralSource
from frontdoor.roles import Role
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory, submit_contact
from tests.support import migrated_rows
from tests.support.migrated_template import Template

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_SOURCE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"


# --- Test order -------------------------------------------------------------------


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or any(
        name in getattr(item, "fixturenames", ()) for name in ("transactional_db", "live_server")
    )


def _django_order(item: pytest.Item) -> int:
    """pytest-django's own order, which a later sort must keep."""
    if _is_transactional(item):
        return 1
    uses_db = item.get_closest_marker("django_db") or "db" in getattr(item, "fixturenames", ())
    return 0 if uses_db else 2


def _run_order(item: pytest.Item) -> int:
    # Within pytest-django's order (tests in a rolled-back transaction, then transactional
    # tests, then those without a database): tests that stop a shared service first, so
    # the other process waits only for the one test in hand; then the browser's long
    # journeys, so the processes end together on short tests rather than one waiting on
    # a long one.
    if item.get_closest_marker("alone"):
        return 0
    return 1 if item.get_closest_marker("browser") else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Stable sorts: the second keeps pytest-django's order (already applied) first.
    items.sort(key=lambda item: (_django_order(item), _run_order(item)))


@pytest.fixture(scope="session")
def _migrated_template(request, django_db_modify_db_settings, django_db_blocker):
    """The test database made from the migrated template when there is one
    (tests/support/migrated_template.py); None when --create-db asks for a new one."""
    from django.db import connection

    if request.config.getvalue("create_db"):
        return None
    with django_db_blocker.unblock():
        template = Template(connection)
        template.prepare()
    return template


@pytest.fixture(scope="session")
def django_db_keepdb(request, _migrated_template):
    """A test database copied from the template is kept as it is (``migrate`` applies
    nothing to it) rather than made again."""
    cloned = _migrated_template is not None and _migrated_template.cloned
    return bool(request.config.getvalue("reuse_db") or cloned)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _migrated_template):
    """The migrated test database, kept as the template for later processes, and its
    rows copied: after each transactional test the database goes back to them
    (tests/support/migrated_rows.py)."""
    from django.db import connections

    with django_db_blocker.unblock():
        if _migrated_template is not None and not _migrated_template.cloned:
            _migrated_template.keep()
        for alias in connections:
            migrated_rows.copy_take(connections[alias])


@pytest.fixture(autouse=True)
def _no_transactional_test_inside_a_shared_world(request):
    """A module-scoped world (tests/support/worlds.py) holds a transaction open until
    its module ends; a transactional test inside it would commit nothing."""
    if _is_transactional(request.node):
        from django.db import connection

        if connection.in_atomic_block:
            pytest.fail("A transactional test ran while a module's shared world was open")


# --- Tests that stop a shared service ----------------------------------------------------


@pytest.fixture(autouse=True)
def _alone_when_stopping_a_shared_service(request):
    """``make test`` runs tests in two processes (pytest-xdist) against one PostgreSQL and
    one Redis. A test marked ``alone`` stops the embedded Redis, which would fail whatever
    the other process is doing, so it holds the services lock exclusively while the others
    each hold it shared. The turnstile stops a stream of shared holders from starving it:
    an ``alone`` test keeps the turnstile while it waits, so no new test starts."""
    import fcntl

    from frontdoor import embedded

    alone = request.node.get_closest_marker("alone") is not None
    embedded.STATE_DIR.mkdir(parents=True, exist_ok=True)
    with (
        open(embedded.STATE_DIR / "tests-turnstile.lock", "a") as turnstile,
        open(embedded.STATE_DIR / "tests-services.lock", "a") as services,
    ):
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        fcntl.flock(services, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        if not alone:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(services, fcntl.LOCK_UN)
            fcntl.flock(turnstile, fcntl.LOCK_UN)


# --- Two-factor sign-in -----------------------------------------------------------------


def otp_code_for(user) -> str:
    """The code a user's authenticator app would show now (or for the next time step,
    when this one was already used: a code works once)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now_step = totp.t()
    if now_step <= device.last_t:
        next_step = device.last_t + 1
        totp.time = device.t0 + next_step * device.step
        # A test signs the same account in several times within one 30-second step,
        # which no person does: widen that account's window to reach the next unused
        # step instead of waiting for the clock.
        if next_step - now_step > device.tolerance:
            device.tolerance = next_step - now_step
            device.save(update_fields=["tolerance"])
    return f"{totp.token():0{device.digits}d}"


class VerifiedClient(Client):
    """``force_login`` as a staff member who has also given their authenticator code:
    what every signed-in page sees in real use. tests/test_two_factor.py covers the
    steps themselves with a plain client."""

    def force_login(self, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def client():
    return VerifiedClient()


@pytest.fixture
def plain_client():
    return Client()


# --- Personas -------------------------------------------------------------------------


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def screener(db):
    return UserFactory(roles=[Role.SCREENER], full_name="Sam Screener")


@pytest.fixture
def manager(db):
    return UserFactory(roles=[Role.MANAGER], full_name="Morgan Manager")


@pytest.fixture
def referrer(db):
    return UserFactory(roles=[Role.REFERRER], full_name="Rita Referrer")


@pytest.fixture
def referrer_b(db):
    return UserFactory(roles=[Role.REFERRER], full_name="Ben Otherreferrer")


@pytest.fixture
def police(db):
    return AgencyFactory(
        name="Demo Police",
        type=Agency.Type.POLICE,
        referral_source=ReferralSource.objects.get(code="6"),
    )


@pytest.fixture
def police_member(police):
    return UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER], agency=police, full_name="Priya Police")


@pytest.fixture
def manager_b(db):
    return UserFactory(roles=[Role.MANAGER], full_name="Maya Othermanager")


@pytest.fixture
def contact(referrer):
    return submit_contact(referrer)


@pytest.fixture
def level(db):
    from screening.models import ThresholdLevel

    return ThresholdLevel.objects.get(number=4)


@pytest.fixture
def performance_viewer(db):
    return UserFactory(roles=[Role.PERFORMANCE_VIEWER], full_name="Pat Performance")


@pytest.fixture
def administrator(db):
    return UserFactory(roles=[Role.ADMINISTRATOR], full_name="Alex Administrator")


@pytest.fixture
def persona(request, db):
    """A user holding one role: ``parametrize("persona", list(Role), indirect=True)``."""
    return UserFactory(roles=[request.param])


@pytest.fixture
def password():
    return TEST_PASSWORD


# --- A real Celery worker -------------------------------------------------------------


@pytest.fixture
def celery_worker(transactional_db):
    """A worker consuming the test queue on the real Redis broker, in a thread.

    Tests using it need committed data (``transactional_db``): the worker has its
    own database connection.
    """
    celery_app.control.purge()
    with start_worker(
        celery_app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=10,
    ) as worker:
        yield worker


# --- A real browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # made by fixtures in the same thread are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make install-browser`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    from tests.browser.axe import axe_in_every_page

    # The app's CSP would (rightly) refuse the axe-core script the tests inject.
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    # Loaded as each page opens, axe costs a page a little; sent to the page at each
    # check instead, it cost more than the check.
    axe_in_every_page(context)
    page = context.new_page()
    yield page
    context.close()


class AxeViolations(AssertionError):
    pass


@pytest.fixture
def assert_no_axe_violations():
    """Run axe-core (WCAG 2.2 A/AA and best practice) on the page; fail on any violation
    (but the accepted one: tests/browser/axe.py)."""
    from tests.browser.axe import axe_violations

    def check(page) -> None:
        found = axe_violations(page)
        if found:
            raise AxeViolations(f"axe found problems on {page.url}:\n" + "\n".join(found))

    return check
