from django.core.management import call_command

from demo.common import DEMO_ACCOUNTS, DEMO_PASSWORD
from frontdoor.models import Agency, User
from frontdoor.roles import Role


def test_demo_data_gives_one_account_per_role_and_can_be_loaded_twice(db, capsys):
    call_command("load_demo_data", allow_without_debug=True, contacts=40)
    call_command("load_demo_data", allow_without_debug=True, contacts=40)

    assert {account.role for account in DEMO_ACCOUNTS} == set(Role)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password(DEMO_PASSWORD)
        assert set(user.groups.values_list("name", flat=True)) == {
            role.value for role in (account.role, *account.also)
        }
    assert Agency.objects.count() == 10
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    assert DEMO_ACCOUNTS[0].email in printed
    assert "Created 40 synthetic contacts" in printed
    # Today's queue was taken to its stages whatever the day the command runs.
    from referrals.models import Contact
    from screening.models import Decision

    assert Contact.objects.filter(status=Contact.Status.IN_SCREENING).exists()
    assert Decision.objects.filter(approval=Decision.Approval.PENDING).exists()
    assert Decision.objects.filter(approval=Decision.Approval.RETURNED).exists()


def test_demo_contacts_go_through_intake_and_exercise_every_channel(db):
    from django.db.models import Count

    from demo.common import demo_data_load
    from demo.intake import demo_contacts_load
    from referrals.models import Contact, ContactSubject, Person

    demo_data_load()
    assert demo_contacts_load(count=80) == 80

    contacts = Contact.objects.all()
    assert {c.channel for c in contacts} == set(Contact.Channel)
    assert all(c.reference.startswith("FD-") for c in contacts)
    statuses = set(ContactSubject.objects.values_list("match_status", flat=True))
    assert ContactSubject.MatchStatus.NEW_PERSON in statuses
    # Recurring families give some children a history, and some likely matches to confirm.
    assert Person.objects.annotate(n=Count("appearances")).filter(n__gt=1).exists()
    assert ContactSubject.objects.filter(match_status=ContactSubject.MatchStatus.UNMATCHED).exists()


def test_demo_data_is_refused_without_debug(db, settings):
    import pytest
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo_data")


def test_demo_screening_leaves_a_queue_and_a_decided_history(db):
    from demo.common import demo_data_load
    from demo.intake import demo_contacts_load
    from demo.screening import demo_screening_load
    from referrals.models import Contact
    from screening.models import Decision

    demo_data_load()
    demo_contacts_load(count=60)
    assert demo_screening_load() > 0

    statuses = set(Contact.objects.values_list("status", flat=True))
    assert {Contact.Status.RECEIVED, Contact.Status.DECIDED} <= statuses
    assert Decision.objects.filter(approval=Decision.Approval.APPROVED).exists()
    for decision in Decision.objects.select_related("contact"):
        assert decision.contact.received_at <= decision.decided_at


def test_a_census_return_of_the_demo_would_keep_the_dfe_rules(db):
    """Every referral's children get CIN census episodes that the DfE's rules accept:
    census details for each child, a primary need on each referral, work in order and
    ended before the case closes, and a child's case closed before their next referral
    (a referral within 90 days of another goes to the allocated worker instead)."""
    from collections import Counter

    from demo.common import demo_data_load
    from demo.intake import demo_contacts_load
    from demo.outcomes import demo_outcomes_load
    from demo.screening import demo_screening_load
    from outcomes.models import DownstreamOutcome
    from referrals.models import ContactSubject
    from screening.models import Decision
    from tests.census_invariants import census_problems, census_shares

    demo_data_load()
    demo_contacts_load(count=160)
    demo_screening_load()
    recorded = demo_outcomes_load()

    assert census_problems() == []
    assert demo_outcomes_load() == 0  # a second run records nothing twice
    shares = census_shares()
    assert shares["episodes"] >= 20
    assert 0 < shares["closed"] < 1
    assert recorded == DownstreamOutcome.objects.count()
    events = Counter(DownstreamOutcome.objects.values_list("event", flat=True))
    assert {"assessment_started", "assessment_completed", "case_closed"} <= set(events)
    # Each s47 enquiry ends once: in a conference or in none being needed.
    assert events["s47_enquiry"] >= events["icpc"] + events["icpc_not_required"] > 0
    needs = Decision.objects.filter(route__in=["social_care_assessment", "strategy_discussion"])
    assert needs.exists()
    assert not needs.filter(primary_need="")
    children = ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES)
    assert not children.filter(disabilities=[])
    assert children.exclude(ethnicity="").exists()
    assert children.exclude(unique_pupil_number="").exists()


def test_demo_accounts_are_written_for_this_user_only_and_notices_summed_up(db, settings, tmp_path):
    import io
    import stat

    settings.DEMO_ACCOUNTS_FILE = str(tmp_path / "demo-accounts.txt")
    out = io.StringIO()
    call_command("load_demo_data", allow_without_debug=True, contacts=40, stdout=out)

    written = tmp_path / "demo-accounts.txt"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    text = written.read_text()
    assert DEMO_PASSWORD in text
    assert all(account.email in text for account in DEMO_ACCOUNTS)
    printed = out.getvalue()
    assert f"The demo accounts are also in {written}" in printed.splitlines()[-1]
    # One line about notices, not one per notice.
    assert len([line for line in printed.splitlines() if "Notices:" in line]) == 1
    assert "GOV.UK Notify is not set up" in printed


def test_routine_worker_lines_go_to_the_file_and_problems_to_the_console(tmp_path, monkeypatch):
    import logging

    from frontdoor.celery import routine_lines_to_a_file

    monkeypatch.setenv("FRONTDOOR_TASK_LOG", str(tmp_path / "tasks.log"))
    root = logging.getLogger("test-root")
    console_lines = []
    console = logging.Handler()
    console.emit = lambda record: console_lines.append(record.getMessage())
    root.addHandler(console)
    routine_lines_to_a_file(logger=root, format="%(levelname)s %(message)s")
    trace = logging.getLogger("celery.app.trace")
    try:
        for record in (
            trace.makeRecord(trace.name, logging.INFO, "", 0, "Task done: 'failed'", (), None),
            trace.makeRecord(trace.name, logging.ERROR, "", 0, "Task raised", (), None),
            root.makeRecord("frontdoor", logging.INFO, "", 0, "Our own line", (), None),
        ):
            logging.getLogger(record.name).handle(record)
            root.handle(record)
    finally:
        for handler in list(trace.handlers):
            if isinstance(handler, logging.FileHandler):
                trace.removeHandler(handler)
                handler.close()
    assert console_lines == ["Task raised", "Our own line"]
    assert "Task done: 'failed'" in (tmp_path / "tasks.log").read_text()
