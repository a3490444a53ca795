from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening and decisions"

    def ready(self) -> None:
        from frontdoor import page_parts
        from screening.meetings import selectors

        page_parts.provide(
            page_parts.HOME,
            lambda *, user: {"meeting_actions": selectors.actions_owned(user=user)},
        )
