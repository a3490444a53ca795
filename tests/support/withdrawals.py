"""Withdrawing a contact in tests (docs/adr/0036): the service with a note that says why,
and calls run at the same moment to show one side of a race wins cleanly."""

from __future__ import annotations

import threading

from django.db import connection

from referrals.models import WithdrawalReason
from screening.services_withdraw import contact_withdraw

NOTE = "The school rang: they sent this about the wrong family and have sent it again."


def withdraw(actor, contact, reason=WithdrawalReason.SENT_IN_ERROR, **extra):
    return contact_withdraw(
        actor=actor, contact=contact, reason=reason, note=extra.pop("note", NOTE), **extra
    )


def at_once(*calls):
    """Run the calls at the same moment, each in its own connection; what each raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "done"
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
