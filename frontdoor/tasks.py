"""Housekeeping that keeps the service's own tables tidy."""

from celery import shared_task

from frontdoor import services


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=300)
def sessions_clear_expired(self) -> int:
    """Delete sessions whose inactivity timeout has passed (they can never be used again)."""
    return services.sessions_clear_expired()
