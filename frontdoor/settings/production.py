"""Production: secrets required, HTTPS enforced, nothing defaulted that could leak."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_secret

DEBUG = False
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set SECRET_KEY (or SECRET_KEY_FILE) to 50 or more random characters."
    )

if not DOCUMENT_KEYS_GIVEN:  # noqa: F405
    raise ImproperlyConfigured(
        "Set DOCUMENT_KEYS (or DOCUMENT_KEYS_FILE) to one or more Fernet keys, newest first:"
        " python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    )

# The embedded scanner's database knows only the EICAR test file (docs/adr/0032): real
# uploads need a clamd that freshclam keeps current.
if CLAMD_EMBEDDED:  # noqa: F405
    raise ImproperlyConfigured(
        "Set CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT, to a clamd kept current by freshclam."
    )

# Events to case systems carry children's details: only over TLS.
if WEBHOOK_ALLOW_HTTP:  # noqa: F405
    raise ImproperlyConfigured("WEBHOOK_ALLOW_HTTP is for development and tests: unset it.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# One JSON object per line, with the request id, for the log platform.
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="json")  # noqa: F405

# Staff always give an authenticator code in production, whatever the environment says.
TWO_FACTOR_REQUIRED = True
