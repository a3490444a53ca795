from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Notices, downstream outcomes and the scorecard"

    def ready(self) -> None:
        from frontdoor import events, page_parts
        from outcomes import family, selectors, services
        from outcomes.alerts import raising as alerts
        from outcomes.alerts import selectors as alert_selectors
        from outcomes.encompass import notices as encompass_notices
        from outcomes.encompass import selectors as encompass_selectors
        from outcomes.handoff import recording, secrets

        # Notices are written inside the transaction that implies them.
        events.subscribe(
            events.CONTACT_RECEIVED,
            lambda contact, acknowledge=True: (
                services.notices_for_receipt(contact=contact) if acknowledge else []
            ),
        )
        events.subscribe(
            events.DECISION_STANDS,
            lambda decision: services.notices_for_decision(decision=decision),
        )
        events.subscribe(
            events.DECISIONS_STAND,
            lambda decisions: services.notices_for_decisions(decisions=decisions),
        )
        # Events for case systems, written in the decision's transaction (the outbox).
        events.subscribe(
            events.DECISION_STANDS,
            lambda decision: recording.case_events_for_decision(decision=decision),
        )
        events.subscribe(
            events.DECISIONS_STAND,
            lambda decisions: recording.case_events_for_decisions(decisions=decisions),
        )
        events.subscribe(
            events.CONTACT_WITHDRAWN,
            lambda withdrawal: recording.case_event_for_withdrawal(withdrawal=withdrawal),
        )
        # Closed months a late change touches are marked in its transaction, so their
        # kept scorecard counts are not shown past it (docs/adr/0049).
        from outcomes.scorecard import services_months as months

        events.subscribe(
            events.CONTACT_RECEIVED,
            lambda contact, acknowledge=True: months.marks_for_contact_received(contact=contact),
        )
        events.subscribe(
            events.DECISION_STANDS,
            lambda decision: months.marks_for_decisions(decisions=[decision]),
        )
        events.subscribe(
            events.DECISIONS_STAND,
            lambda decisions: months.marks_for_decisions(decisions=decisions),
        )
        events.subscribe(
            events.CONTACT_WITHDRAWN,
            lambda withdrawal: months.marks_for_withdrawal(withdrawal=withdrawal),
        )
        events.subscribe(
            events.SUBJECT_MATCHED,
            lambda subject: months.marks_for_people(person_ids=[subject.person_id]),
        )
        events.subscribe(
            events.PERSONS_MERGED,
            lambda merge: months.marks_for_people(person_ids=[merge.kept_id, merge.merged_id]),
        )
        # Operation Encompass: the schools' notices, raised in the recording transaction.
        events.subscribe(
            events.POLICE_NOTIFICATION_RECORDED,
            lambda notification: encompass_notices.notices_for_notification(
                notification=notification
            ),
        )
        events.subscribe(
            events.POLICE_NOTIFICATIONS_RECORDED,
            lambda notifications: encompass_notices.notices_for_notifications(
                notifications=notifications
            ),
        )
        # A withdrawn contact's schools' notices not yet sent are not sent.
        events.subscribe(
            events.CONTACT_WITHDRAWN,
            lambda withdrawal: encompass_notices.notices_for_withdrawal(withdrawal=withdrawal),
        )
        events.subscribe(events.DOCUMENT_KEYS_ROTATED, secrets.webhook_secrets_reseal)
        # Alerts to the people who must act, written in the action's transaction (ADR 0042).
        events.subscribe(events.CHECK_SENT, lambda check: alerts.alerts_for_check_sent(check=check))
        events.subscribe(
            events.DECISION_RETURNED,
            lambda decision: alerts.alerts_for_decision_returned(decision=decision),
        )
        # A school a screener confirmed stays with the record it was confirmed on: after
        # a merge the kept record's own (or a screener confirms again), never a guess.
        from outcomes.models_encompass import PupilSchool
        from referrals.services.merges import person_column_not_moved

        person_column_not_moved(
            PupilSchool, "person", "a confirmed school is confirmed again, not carried over"
        )
        # What the screening contact page shows of outcomes, computed by its view.
        page_parts.provide(page_parts.SCREENING_CONTACT, selectors.screening_contact_parts)
        page_parts.provide(page_parts.SCREENING_FAMILY, family.screening_family_parts)
        page_parts.provide(page_parts.SCREENING_QUEUE, encompass_selectors.due_soon_parts)
        page_parts.provide(page_parts.HOME, alert_selectors.home_parts)
