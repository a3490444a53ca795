"""Contact references under concurrent intake (docs/adr/0050): each year's numbers come
from a PostgreSQL sequence, so partners sending at once get unique references and no
intake waits for another's commit."""

import copy
import re
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from frontdoor.roles import Role
from referrals.models import Contact
from referrals.services import api_client_create
from tests.factories import UserFactory, child_input, submit_contact
from tests.support.partner_api import VALID

SENDERS = 6
EACH = 4


def _body(number: int) -> dict:
    body = copy.deepcopy(VALID)
    for child in body["children"]:
        child.pop("nhs_number", None)  # one NHS number would be one person on every contact
    body["children"][0]["first_name"] = f"Amelia{number}"
    return body


def _partner(account) -> APIClient:
    _, token = api_client_create(name=f"Feed {account.pk}", account=account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def _post(api: APIClient, number: int):
    return api.post(
        reverse("api-contact-create"),
        _body(number),
        format="json",
        HTTP_IDEMPOTENCY_KEY=f"incident-{number}",
    )


@pytest.mark.django_db(transaction=True)
def test_partners_sending_at_once_through_the_api_each_get_their_own_reference():
    account = UserFactory(roles=[Role.REFERRER], email="feed@police.example")
    senders = [_partner(account) for _ in range(SENDERS)]
    statuses, references, errors = [], [], []
    lock = threading.Lock()
    start = threading.Barrier(SENDERS)

    def send(sender: int) -> None:
        try:
            start.wait()
            for n in range(EACH):
                response = _post(senders[sender], sender * EACH + n)
                with lock:
                    statuses.append(response.status_code)
                    references.append(response.json()["reference"])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert statuses == [201] * (SENDERS * EACH)
    assert len(set(references)) == SENDERS * EACH
    year = timezone.localdate().year
    assert all(re.fullmatch(rf"FD-{year}-\d{{6}}", reference) for reference in references)
    assert sorted(Contact.objects.values_list("reference", flat=True)) == sorted(references)


@pytest.mark.django_db(transaction=True)
def test_an_intake_does_not_wait_for_another_still_open_to_commit():
    """A recorded contact's transaction still open (its reference drawn) does not hold
    up the next partner's submission, as the year's counter row once did."""
    account = UserFactory(roles=[Role.REFERRER], email="feed@police.example")
    api = _partner(account)
    drawn, answered = threading.Event(), threading.Event()
    outcome = {}

    def slow_intake() -> None:
        try:
            with transaction.atomic():
                outcome["slow"] = submit_contact(account).reference
                drawn.set()
                # Only the bound of a failure (the other submission waiting on this
                # transaction): it returns once that is answered, however slowly (the
                # tests that stop Redis slow every request meanwhile).
                outcome["answered_while_open"] = answered.wait(timeout=300)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_intake)
    thread.start()
    try:
        assert drawn.wait(timeout=60)
        response = _post(api, 1)
        answered.set()
    finally:
        thread.join()
        connection.close()

    assert response.status_code == 201
    assert outcome["answered_while_open"] is True
    assert response.json()["reference"] != outcome["slow"]


@pytest.mark.django_db
def test_a_contact_not_recorded_leaves_its_number_unused_and_the_next_is_new(referrer):
    first = submit_contact(referrer)

    @transaction.atomic
    def fails_after_the_draw():
        submit_contact(referrer, subjects=[child_input(first_name="Rolled")])
        raise RuntimeError("the caller's transaction fails after the draw")

    with pytest.raises(RuntimeError):
        fails_after_the_draw()
    after = submit_contact(referrer)

    assert not Contact.objects.filter(subjects__first_name="Rolled").exists()
    assert int(after.reference[-6:]) > int(first.reference[-6:]) + 1
    assert after.reference[:8] == first.reference[:8]
