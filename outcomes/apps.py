from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Notices, downstream outcomes and the scorecard"

    def ready(self) -> None:
        from frontdoor import events
        from outcomes import services

        # Notices are written inside the transaction that implies them.
        events.subscribe(
            events.CONTACT_RECEIVED, lambda contact: services.notices_for_receipt(contact=contact)
        )
        events.subscribe(
            events.DECISION_STANDS,
            lambda decision: services.notices_for_decision(decision=decision),
        )
