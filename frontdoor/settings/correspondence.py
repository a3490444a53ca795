"""Settings for what the service sends and shares: mail, GOV.UK Notify, the family
letters the council posts itself, and sharing with partner agencies. Part of every
profile through base.py."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .environment import env, env_secret

# --- Mail and GOV.UK Notify ----------------------------------------------------------
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailer(backend: str) -> dict[str, object]:
    """Django 6.1's ``MAILERS`` entry; SMTP details come from ``EMAIL_*`` variables."""
    if backend != SMTP_BACKEND:
        return {"BACKEND": backend}
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "host": env.str("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=25),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env_secret("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
            "timeout": env.int("EMAIL_TIMEOUT", default=10),
        },
    }


MAILERS = {"default": mailer(env.str("EMAIL_BACKEND", default=SMTP_BACKEND))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="front-door@example.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NOTIFY_API_KEY = env_secret("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_CALLBACK_BEARER_TOKEN = env_secret("NOTIFY_CALLBACK_BEARER_TOKEN", default="")
# Generic templates whose content is personalisation: ((subject)) and ((body)).
NOTIFY_TEMPLATE_EMAIL = env.str("NOTIFY_TEMPLATE_EMAIL", default="")
NOTIFY_TEMPLATE_SMS = env.str("NOTIFY_TEMPLATE_SMS", default="")
NOTIFY_TEMPLATE_LETTER = env.str("NOTIFY_TEMPLATE_LETTER", default="")
NOTIFY_RATE_PER_MINUTE = env.int("NOTIFY_RATE_PER_MINUTE", default=3000)
# Family letters the council prints and posts itself rather than through Notify: "all",
# or kinds of notice ("outcome", "correction"). Without a Notify key every letter is
# printed here (outcomes/letters.py); the letters carry these return details.
LETTERS_POSTED_BY_COUNCIL = env.list("LETTERS_POSTED_BY_COUNCIL", default=[])
if not set(LETTERS_POSTED_BY_COUNCIL) <= {"all", "outcome", "correction"}:
    raise ImproperlyConfigured(
        "LETTERS_POSTED_BY_COUNCIL is a list of: all, outcome, correction "
        f"(it is {','.join(LETTERS_POSTED_BY_COUNCIL)})."
    )
# The council's postal address, its lines separated by commas, printed on each letter
# (and as the return address above the window).
COUNCIL_POSTAL_ADDRESS = [
    line.strip()
    for line in env.str(
        "COUNCIL_POSTAL_ADDRESS", default="County Hall, Market Street, Anytown, AN1 1AA"
    ).split(",")
    if line.strip()
]
COUNCIL_EMAIL = env.str("COUNCIL_EMAIL", default="")


def print_batch_limit(given: str) -> int:
    """How many letters one print batch holds: each download is one PDF made in a web
    request, so a busy day's letters go in more than one batch."""
    try:
        limit = int(given)
    except ValueError:
        limit = 0
    if limit < 1:
        raise ImproperlyConfigured(
            f"PRINT_BATCH_MAX_LETTERS is a whole number of letters, 1 or more (it is {given})."
        )
    return limit


# WeasyPrint made 200 one-page letters in 16 s on a shared 2-core machine (80 ms each):
# a download well inside a web request's time limit.
PRINT_BATCH_MAX_LETTERS = print_batch_limit(env.str("PRINT_BATCH_MAX_LETTERS", default="200"))

# --- Information sharing -------------------------------------------------------------
# Whether a multi-agency check asked without the family's consent waits for a manager's
# approval before the agency sees it (the council's information-sharing procedure).
CHECKS_WITHOUT_CONSENT_NEED_APPROVAL = env.bool(
    "CHECKS_WITHOUT_CONSENT_NEED_APPROVAL", default=False
)

# --- Events to case-management and partner systems (docs/adr/0034) ------------------
# After the first try, a delivery is tried again after each of these waits (seconds):
# the Standard Webhooks schedule, 5 s to 10 h, about 27 hours in all. Then it is dead
# until an administrator replays it.
WEBHOOK_RETRY_DELAYS = [
    int(seconds)
    for seconds in env.list(
        "WEBHOOK_RETRY_DELAYS", default=["5", "300", "1800", "7200", "18000", "36000", "36000"]
    )
]
# How long a receiver has to answer one delivery.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Endpoints must use https; plain http only where this says so (development, tests,
# a receiver on the same host). Production refuses it (production.py).
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
