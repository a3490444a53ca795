"""Housekeeping that keeps the service's own tables tidy."""

from celery import shared_task

from frontdoor import services


@shared_task(acks_late=True)
def sessions_clear_expired() -> int:
    """Delete sessions whose inactivity timeout has passed (they can never be used again)."""
    return services.sessions_clear_expired()


@shared_task(bind=True, acks_late=True, max_retries=12, default_retry_delay=300)
def role_change_tell(self, event_id: int) -> int:
    """Tell managers and administrators of a role change (the audit row's id only)."""
    try:
        return services.role_change_tell(event_id=event_id)
    except OSError as exc:  # the mail server is away: try again later
        raise self.retry(exc=exc) from exc
