from datetime import timedelta

from django.core.management import call_command
from django.db.models import F

# ``load_demo_data`` itself, its accounts and what it prints: tests/test_demo_command.py.


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
    for decision in Decision.objects.select_related("contact", "service"):
        assert decision.contact.received_at <= decision.decided_at
        # Early help names one of the council's services (docs/adr/0045), one needing
        # consent only where the family agreed.
        assert (decision.service is not None) == (decision.route == "early_help")
        if decision.service and decision.service.needs_consent:
            assert decision.contact.family_awareness == "aware_consented"
    from screening.models import OnwardService

    assert OnwardService.objects.filter(is_active=False).exists()  # the closed hub


# The census rules over the whole demo: tests/outcomes/test_census_of_the_demo.py, which
# loads it once for the DfE's validator and for those rules.


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


def test_the_demo_case_system_is_a_partner_system_that_may_receive_events(db):
    from demo.common import DEMO_CASE_SYSTEM_EMAIL, demo_data_load
    from referrals.models import ApiClient, Scope

    demo_data_load()
    demo_data_load()  # safe to run again
    [client] = ApiClient.objects.filter(account__email=DEMO_CASE_SYSTEM_EMAIL)
    assert client.has_scope(Scope.RECEIVE_EVENTS)
    assert client.has_scope(Scope.POST_OUTCOME_EVENTS)
    assert not client.has_scope(Scope.SUBMIT_CONTACTS)


def test_demo_schools_and_encompass_notices_in_each_state(db):
    from demo.common import demo_data_load
    from demo.encompass import demo_encompass_load
    from outcomes.encompass import selectors
    from outcomes.models_encompass import EncompassNotice, School

    demo_data_load()
    assert demo_encompass_load() == 8
    assert demo_encompass_load() == 0  # loading again adds nothing

    assert School.objects.exclude(key_adult_email="").count() >= 4
    states = {selectors.status_of(notice) for notice in EncompassNotice.objects.all()}
    assert states == {"awaiting_school", "held", "due", "sent", "failed", "not_sent"}
    assert EncompassNotice.objects.filter(acknowledged_at__isnull=False).exists()
    late = EncompassNotice.objects.filter(notice__sent_at__gt=F("due_at"))
    assert late.exists()


def test_the_police_demo_then_encompass_one_notice_a_child_and_none_left_from_before(db):
    from django.utils import timezone

    from demo.common import demo_data_load
    from demo.encompass import demo_encompass_load
    from demo.police import demo_police_load
    from outcomes.encompass import selectors
    from outcomes.models_encompass import EncompassNotice
    from referrals.models import PoliceNotification

    demo_data_load()
    now = timezone.now()
    police = demo_police_load(now=now)
    # Raised by the recording service for the police demo's children too (not the baby).
    told = demo_encompass_load(now=now)
    assert told == EncompassNotice.objects.count() == police + 8 - 1
    assert PoliceNotification.objects.count() == police + 8
    notices = EncompassNotice.objects.all()
    assert len({notice.subject.person_id for notice in notices}) == told - 2  # Tilly's three
    states = {selectors.status_of(notice) for notice in notices}
    assert states == {"awaiting_school", "held", "due", "sent", "failed", "not_sent"}
    # Tilly's earlier notices went to her school at the time; none waits from before.
    stale = notices.filter(state="awaiting_school", due_at__lt=now - timedelta(days=7))
    assert not stale.exists()
    tilly = notices.filter(subject__first_name="Tilly").order_by("due_at")
    assert [selectors.status_of(notice) for notice in tilly] == ["sent", "sent", "awaiting_school"]


def test_demo_pathways_one_of_each_the_allegations_restricted(db):
    from demo.common import demo_data_load
    from demo.pathways import demo_pathways_load
    from referrals.models import Pathway, Restriction
    from screening.models import PathwayRecord

    demo_data_load()
    assert demo_pathways_load() > 0
    assert demo_pathways_load() == 0  # once

    kinds = set(PathwayRecord.objects.values_list("contact__pathway", flat=True))
    assert kinds == set(Pathway.values)
    lado = PathwayRecord.objects.filter(contact__pathway=Pathway.LADO)
    assert Restriction.objects.filter(contact__in=lado.values("contact")).count() == lado.count()
    assert PathwayRecord.objects.exclude(outcome="").exists()
