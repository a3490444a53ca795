"""``load_demo_data``: an account for each role, loading twice, and what it writes and
prints. The command is run once for the module and each test reads what it made
(tests/support/worlds.py); the demo's parts are tested in tests/test_demo_data.py."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from demo.common import DEMO_ACCOUNTS, DEMO_PASSWORD
from frontdoor.models import Agency, User
from frontdoor.roles import Role
from tests.support.worlds import built_once


@dataclass(frozen=True)
class Loaded:
    printed: str
    accounts_file: Path


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """``load_demo_data`` run once, its accounts written to a file of the tests' own;
    the tests below read what it made and printed (tests/support/worlds.py)."""

    def load() -> Loaded:
        written = tmp_path_factory.mktemp("demo") / "demo-accounts.txt"
        out = io.StringIO()
        with override_settings(DEMO_ACCOUNTS_FILE=str(written)):
            call_command("load_demo_data", allow_without_debug=True, contacts=40, stdout=out)
        return Loaded(printed=out.getvalue(), accounts_file=written)

    yield from built_once(django_db_blocker, load)


def test_demo_data_gives_one_account_per_role_and_can_be_loaded_twice(db, loaded):
    call_command("load_demo_data", allow_without_debug=True, contacts=40, stdout=io.StringIO())

    assert {account.role for account in DEMO_ACCOUNTS} == set(Role)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password(DEMO_PASSWORD)
        assert set(user.groups.values_list("name", flat=True)) == {
            role.value for role in (account.role, *account.also)
        }
    assert Agency.objects.count() == 10
    printed = loaded.printed
    assert DEMO_PASSWORD in printed
    assert DEMO_ACCOUNTS[0].email in printed
    assert "Created 40 synthetic contacts" in printed
    # Today's queue was taken to its stages whatever the day the command runs.
    from referrals.models import Contact
    from screening.models import Decision

    assert Contact.objects.filter(status=Contact.Status.IN_SCREENING).exists()
    assert Decision.objects.filter(approval=Decision.Approval.PENDING).exists()
    assert Decision.objects.filter(approval=Decision.Approval.RETURNED).exists()
    # Weekly decision audits: graded ones (one not yet read by its screener), and the
    # latest week's waiting for its manager.
    from screening.models import DecisionAudit

    assert "sampled decisions in weekly quality audits" in printed
    graded = DecisionAudit.objects.filter(graded_at__isnull=False)
    assert graded.exists()
    assert graded.filter(read_at__isnull=True).count() == 1
    assert DecisionAudit.objects.filter(graded_at__isnull=True).exists()
    # Two made-up files on contacts in screening, scanned by the embedded clamd; once only.
    from referrals.models import Document

    assert "Attached 2 made-up files" in printed
    assert sorted(Document.objects.values_list("filename", "scan_state")) == [
        ("police-notification.pdf", "clean"),
        ("school-chronology.pdf", "clean"),
    ]


def test_the_demo_has_alerts_for_the_people_who_must_act(db, loaded):
    from outcomes.models import Alert

    def account(role):
        return User.objects.get(email=next(a.email for a in DEMO_ACCOUNTS if a.role == role))

    kinds = {
        role: set(Alert.objects.filter(recipient=account(role)).values_list("kind", flat=True))
        for role in (Role.PARTNER_AGENCY_MEMBER, Role.SCREENER, Role.MANAGER, Role.HEAD_OF_SERVICE)
    }
    assert Alert.Kind.CHECK_ASKED in kinds[Role.PARTNER_AGENCY_MEMBER]
    assert Alert.Kind.DECISION_RETURNED in kinds[Role.SCREENER]
    assert Alert.Kind.CLOCK_BREACHED in kinds[Role.MANAGER]
    assert kinds[Role.HEAD_OF_SERVICE] == kinds[Role.MANAGER]
    # The head of service chose the daily digest; the others get theirs at once.
    head = Alert.objects.filter(recipient=account(Role.HEAD_OF_SERVICE))
    assert set(head.values_list("email_status", flat=True)) == {Alert.Email.DIGEST}
    assert "alerts are on the home pages of the people who must act" in loaded.printed


def test_demo_accounts_are_written_for_this_user_only_and_notices_summed_up(db, loaded):
    import stat

    written = loaded.accounts_file
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    text = written.read_text()
    assert DEMO_PASSWORD in text
    assert all(account.email in text for account in DEMO_ACCOUNTS)
    printed = loaded.printed
    assert f"The demo accounts are also in {written}" in printed.splitlines()[-1]
    # One line about notices, not one per notice.
    assert len([line for line in printed.splitlines() if "Notices:" in line]) == 1
    assert "GOV.UK Notify is not set up" in printed
