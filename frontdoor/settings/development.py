"""Local development: the embedded services, debug pages, mail printed to the console."""

from .base import *  # noqa: F403
from .base import env, mailer

DEBUG = env.bool("DEBUG", default=True)
# A fixed key is acceptable only here: development data is synthetic.
SECRET_KEY = env.str("SECRET_KEY", default="development-only-key-not-for-real-data-" + "x" * 20)
# Mail is printed to the console unless EMAIL_BACKEND names another backend.
MAILERS = {
    "default": mailer(
        env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
    )
}
# Static files are served from STATICFILES_DIRS by WhiteNoise's finders; nothing is
# collected, so there is no manifest to fingerprint names with.
STATIC_ROOT = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
