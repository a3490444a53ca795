import threading

import pytest
from django.db import DatabaseError, connection, transaction

from referrals.models import Contact
from screening import services, services_checks
from screening.models import AgencyCheck, Decision, Route, Screening
from tests.factories import UserFactory, submit_contact
from tests.support.checks import consented
from tests.support.screening import decide

pytestmark = pytest.mark.django_db


def test_claim_next_takes_immediate_risk_first_then_the_earliest_due(screener, referrer):
    routine = submit_contact(referrer)
    immediate = submit_contact(referrer, urgency=Contact.Urgency.IMMEDIATE)

    first = services.screening_claim_next(actor=screener)
    second = services.screening_claim_next(actor=screener)

    assert [first.contact, second.contact] == [immediate, routine]
    assert services.screening_claim_next(actor=screener) is None
    routine.refresh_from_db()
    assert routine.status == Contact.Status.IN_SCREENING


@pytest.mark.django_db(transaction=True)
def test_two_screeners_never_hold_the_same_contact(referrer):
    from frontdoor.roles import Role

    for _ in range(3):
        submit_contact(referrer)
    screeners = [UserFactory(roles=[Role.SCREENER]) for _ in range(6)]
    claimed, errors = [], []
    barrier = threading.Barrier(len(screeners))

    def take(user):
        try:
            barrier.wait()
            screening = services.screening_claim_next(actor=user)
            if screening is not None:
                claimed.append(screening.contact_id)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(user,)) for user in screeners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(claimed) == 3
    assert len(set(claimed)) == 3
    assert Screening.objects.filter(assigned_to__isnull=False).count() == 3


def test_claiming_a_contact_someone_holds_says_who(screener, contact):
    from frontdoor.roles import Role

    services.screening_claim(actor=screener, contact=contact)
    other = UserFactory(roles=[Role.SCREENER])
    with pytest.raises(services.ScreeningRefused, match=screener.full_name):
        services.screening_claim(actor=other, contact=contact)


def test_release_and_manager_reassign(screener, manager, contact):
    from frontdoor.roles import Role

    screening = services.screening_claim(actor=screener, contact=contact)
    other = UserFactory(roles=[Role.SCREENER])
    with pytest.raises(services.ScreeningRefused):
        services.screening_release(actor=other, screening=screening)
    services.screening_reassign(actor=manager, contact=contact, to=other)
    assert Screening.objects.get(contact=contact).assigned_to == other
    with pytest.raises(services.ScreeningRefused):
        services.screening_reassign(actor=screener, contact=contact, to=screener)
    services.screening_release(actor=other, screening=screening)
    assert Screening.objects.get(contact=contact).assigned_to is None


def test_only_the_holder_edits_the_signs_of_safety(screener, contact):
    from frontdoor.roles import Role

    with pytest.raises(services.ScreeningRefused):
        services.screening_save(actor=screener, contact=contact, values={"scaling": 3})
    services.screening_claim(actor=screener, contact=contact)
    saved = services.screening_save(
        actor=screener, contact=contact, values={"danger_statement": "Worried that…", "scaling": 3}
    )
    assert (saved.danger_statement, saved.scaling) == ("Worried that…", 3)
    other = UserFactory(roles=[Role.SCREENER])
    with pytest.raises(services.ScreeningRefused):
        services.screening_save(actor=other, contact=contact, values={"scaling": 9})


def test_checks_hold_the_contact_until_answered(screener, contact, police, police_member, level):
    services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener,
        contact=contact,
        agency=police,
        question="Any incidents at the address?",
        sharing=consented(),
    )
    contact.refresh_from_db()
    assert contact.status == Contact.Status.AWAITING_CHECKS
    with pytest.raises(services.ScreeningRefused, match="Checks are still awaited"):
        decide(screener, contact, level)

    services_checks.check_answer(
        actor=police_member, check=check, response="Two DA incidents in 2026."
    )

    check.refresh_from_db()
    contact.refresh_from_db()
    assert check.status == AgencyCheck.Status.ANSWERED
    assert check.answered_at >= check.requested_at
    assert contact.status == Contact.Status.IN_SCREENING


def test_only_the_asked_agency_answers_a_check(screener, contact, police, level):
    from frontdoor.roles import Role

    services.screening_claim(actor=screener, contact=contact)
    check = services_checks.check_request(
        actor=screener, contact=contact, agency=police, question="Any?", sharing=consented()
    )
    health_member = UserFactory(roles=[Role.PARTNER_AGENCY_MEMBER])
    with pytest.raises(services.ScreeningRefused, match="agency asked"):
        services_checks.check_answer(actor=health_member, check=check, response="Nothing")
    with pytest.raises(services.ScreeningRefused):
        services_checks.check_answer(actor=screener, check=check, response="Nothing")


def test_screener_may_go_ahead_with_a_recorded_reason(screener, contact, police, level):
    services.screening_claim(actor=screener, contact=contact)
    services_checks.check_request(
        actor=screener, contact=contact, agency=police, question="Any?", sharing=consented()
    )
    services.checks_proceed_without(
        actor=screener, contact=contact, reason="Child at immediate risk; cannot wait for police."
    )
    decision = decide(screener, contact, level)
    assert decision.approval == Decision.Approval.PENDING


@pytest.mark.parametrize(
    ("route", "notice", "needs_approval"),
    [
        (Route.INFORMATION_AND_ADVICE, "notify", False),
        (Route.EARLY_HELP, "notify", False),
        (Route.ALREADY_OPEN, "notify", False),
        (Route.SOCIAL_CARE_ASSESSMENT, "notify", True),
        (Route.STRATEGY_DISCUSSION, "notify", True),
        (Route.EARLY_HELP, "withhold", True),
    ],
)
def test_which_decisions_need_a_manager(screener, contact, level, route, notice, needs_approval):
    services.screening_claim(actor=screener, contact=contact)
    decision = decide(
        screener,
        contact,
        level,
        route=route,
        family_notice=notice,
        withhold_reason="Could prejudice a police investigation." if notice == "withhold" else "",
    )
    contact.refresh_from_db()
    if needs_approval:
        assert decision.approval == Decision.Approval.PENDING
        assert contact.status == Contact.Status.AWAITING_APPROVAL
    else:
        assert decision.approval == Decision.Approval.NOT_NEEDED
        assert contact.status == Contact.Status.DECIDED
        assert Screening.objects.get(contact=contact).assigned_to is None


def test_a_thin_rationale_is_refused(screener, contact, level):
    services.screening_claim(actor=screener, contact=contact)
    with pytest.raises(services.ScreeningRefused, match="stand up"):
        decide(screener, contact, level, rationale="NFA")


def test_manager_approves_but_never_their_own_decision(
    screener, manager, manager_b, contact, level
):
    services.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level)
    with pytest.raises(services.ScreeningRefused):
        services.decision_approve(actor=screener, decision=decision)

    approved = services.decision_approve(actor=manager, decision=decision, comment="Agreed.")

    contact.refresh_from_db()
    assert approved.approval == Decision.Approval.APPROVED
    assert approved.approved_by == manager
    assert contact.status == Contact.Status.DECIDED
    with pytest.raises(services.ScreeningRefused, match="not waiting"):
        services.decision_approve(actor=manager_b, decision=decision)

    services.screening_claim(actor=manager, contact=contact)
    own = decide(manager, contact, level, route=Route.SOCIAL_CARE_ASSESSMENT)
    with pytest.raises(services.ScreeningRefused, match="Another manager"):
        services.decision_approve(actor=manager, decision=own)


def test_returned_decision_goes_back_and_the_next_supersedes_it(screener, manager, contact, level):
    services.screening_claim(actor=screener, contact=contact)
    first = decide(screener, contact, level)
    with pytest.raises(services.ScreeningRefused, match="Say what"):
        services.decision_return(actor=manager, decision=first, comment="")
    services.decision_return(actor=manager, decision=first, comment="Check with health first.")
    contact.refresh_from_db()
    assert contact.status == Contact.Status.IN_SCREENING

    second = decide(screener, contact, level, route=Route.SOCIAL_CARE_ASSESSMENT)

    assert second.supersedes == first
    first.refresh_from_db()
    assert first.superseded_by == second
    assert services.current_decision(contact) == second


def test_a_changed_decision_supersedes_with_its_own_rationale(screener, contact, level):
    services.screening_claim(actor=screener, contact=contact)
    first = decide(screener, contact, level, route=Route.EARLY_HELP)
    services.screening_claim(actor=screener, contact=contact)
    second = decide(
        screener,
        contact,
        level,
        route=Route.INFORMATION_AND_ADVICE,
        rationale="Family has since engaged with the school nurse; advice to the school is enough.",
    )
    assert second.supersedes == first
    assert list(Decision.objects.filter(contact=contact).order_by("decided_at")) == [first, second]


def test_the_database_refuses_to_edit_or_delete_a_decision(screener, contact, level):
    services.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level, route=Route.EARLY_HELP)
    with pytest.raises(DatabaseError, match="never edited"), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(rationale="Rewritten later")
    # Raw SQL, past the ORM's own PROTECT checks: the database itself refuses.
    with (
        pytest.raises(DatabaseError, match="never deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM screening_decision WHERE id = %s", [decision.pk])


def test_the_database_keeps_an_approval_final(screener, manager, contact, level):
    services.screening_claim(actor=screener, contact=contact)
    decision = decide(screener, contact, level)
    services.decision_approve(actor=manager, decision=decision)
    with pytest.raises(DatabaseError, match="final"), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(approval="returned")


def test_loaded_history_keeps_decisions_between_receipt_and_now(screener, contact, level):
    from datetime import timedelta

    from django.utils import timezone

    services.screening_claim(actor=screener, contact=contact)
    with pytest.raises(services.ScreeningRefused, match="predate"):
        decide(screener, contact, level, decided_at=contact.received_at - timedelta(minutes=1))
    with pytest.raises(services.ScreeningRefused, match="future"):
        decide(screener, contact, level, decided_at=timezone.now() + timedelta(hours=1))
