"""Local development: the embedded services, debug pages, mail written to files."""

from .base import *  # noqa: F403
from .base import embedded, env, mailer

DEBUG = env.bool("DEBUG", default=True)
# A fixed key is acceptable only here: development data is synthetic.
SECRET_KEY = env.str("SECRET_KEY", default="development-only-key-not-for-real-data-" + "x" * 20)
# A receiver on this machine (a developer's) answers plain http.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=True)
# Mail is written to files in .frontdoor/mail/ (one per message) unless EMAIL_BACKEND
# names another backend, e.g. the SMTP one with a local mail catcher.
FILE_MAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
MAILERS = {"default": mailer(env.str("EMAIL_BACKEND", default=FILE_MAIL_BACKEND))}
if MAILERS["default"]["BACKEND"] == FILE_MAIL_BACKEND:
    MAILERS["default"]["OPTIONS"] = {"file_path": str(embedded.STATE_DIR / "mail")}
# Static files are served from STATICFILES_DIRS by WhiteNoise's finders; nothing is
# collected, so there is no manifest to fingerprint names with.
STATIC_ROOT = None
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
