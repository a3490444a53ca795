"""The Celery application: ``celery -A frontdoor worker`` and ``celery -A frontdoor beat``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings.development")

app = Celery("frontdoor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
