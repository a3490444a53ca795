from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening and decisions"

    def ready(self) -> None:
        from frontdoor import events, page_parts
        from screening.audits import selectors as audits
        from screening.meetings import selectors
        from screening.services_log import police_resend_logged

        events.subscribe(events.POLICE_NOTIFICATION_RESENT, police_resend_logged)

        page_parts.provide(
            page_parts.HOME,
            lambda *, user: {"meeting_actions": selectors.actions_owned(user=user)},
        )
        # The feedback on the user's audited decisions, and the audits they are to grade.
        page_parts.provide(
            page_parts.HOME,
            lambda *, user: {
                "audit_feedback": audits.feedback_for(user=user),
                "audits_to_grade": audits.audits_to_grade(user=user),
            },
        )
