"""Domain events, handled synchronously inside the publisher's transaction.

Apps depend one way (referrals -> screening -> outcomes), yet outcomes must write
its notices in the same transaction as the contact or decision that implies them
(a transactional outbox). An earlier app publishes a named event; a later app
subscribes in its ``AppConfig.ready``. Unlike Django signals, the events are few,
named here, and documented where they are published. See docs/adr/0007.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

# contact=Contact, a new one (not an API replay); acknowledge=bool, False where the sender
# is told once for many (a force's file: one summary for the file, docs/adr/0040).
CONTACT_RECEIVED = "contact.received"
DECISION_STANDS = "decision.stands"  # decision=Decision, final or just approved
# decisions=list[Decision], several standing at once (bulk triage: one transaction):
# what DECISION_STANDS means for each, handled in one go. A subscriber to one subscribes
# to both (outcomes' handlers for one call their handlers for many).
DECISIONS_STAND = "decisions.stand"
# withdrawal=referrals.ContactWithdrawal, just recorded: the contact is withdrawn and
# no decision on it stood (screening.services_withdraw.contact_withdraw; ADR 0036).
CONTACT_WITHDRAWN = "contact.withdrawn"
# notification=referrals.PoliceNotification, a new one with its involvements (a force's
# re-send of one already recorded is not published): outcomes raises the Operation
# Encompass notices for a domestic-abuse incident in the same transaction.
POLICE_NOTIFICATION_RECORDED = "police_notification.recorded"
# notifications=list[PoliceNotification], several new ones at once (a force's file, one
# chunk of it): what POLICE_NOTIFICATION_RECORDED means for each, handled in one go. A
# subscriber to one subscribes to both.
POLICE_NOTIFICATIONS_RECORDED = "police_notifications.recorded"
# notification=referrals.PoliceNotification, actor=User, note=str: a force re-sent one
# already recorded saying something different (referrals.services.police_resend);
# screening writes the note, the differences, on the contact log for the screener.
POLICE_NOTIFICATION_RESENT = "police_notification.resent_with_changes"
# check=screening.AgencyCheck, just sent to its agency: asked, or approved by a manager
# when it waited for one (screening.services_checks). Outcomes alerts the agency's MAST
# members (docs/adr/0042).
CHECK_SENT = "check.sent"
# decision=Decision, just returned by a manager to the screener who made it
# (screening.services.decision_return). Outcomes alerts the screener (docs/adr/0042).
DECISION_RETURNED = "decision.returned"
# subject=referrals.ContactSubject, a child or adult just linked to a person record by a
# screener (a likely match confirmed, or a new record started; referrals.services.intake).
# Figures that follow a child across contacts read the link: outcomes marks the
# scorecard's kept months (docs/adr/0049).
SUBJECT_MATCHED = "subject.matched"
# merge=referrals.PersonMerge, just made or undone (referrals.services.merges): one
# record's appearances moved to the other. Outcomes marks the kept months, as above.
PERSONS_MERGED = "persons.merged"
# No payload: documents_rekey has sealed every document under the newest key; whatever
# else is sealed with DOCUMENT_KEYS (webhook secrets) is sealed again by its owner.
DOCUMENT_KEYS_ROTATED = "document_keys.rotated"

_subscribers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscribe(event: str, handler: Callable[..., None]) -> None:
    if handler not in _subscribers[event]:
        _subscribers[event].append(handler)


def publish(event: str, **payload) -> None:
    for handler in _subscribers[event]:
        handler(**payload)
