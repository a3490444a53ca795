"""What is waiting in the tests' queue on the real Redis broker, read without taking it."""

from __future__ import annotations

import base64
import json

from django.conf import settings

from frontdoor.celery import app


def queued(task_name: str) -> list[list]:
    """The arguments of each message for ``task_name`` waiting in the test queue, oldest
    first. The messages stay queued (``celery_app.control.purge()`` clears them)."""
    with app.connection_for_read() as connection:
        client = connection.default_channel.client
        # Kombu pushes on the left and a worker pops on the right.
        raw = reversed(client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1))
    found = []
    for message in map(json.loads, raw):
        if message["headers"].get("task") != task_name:
            continue
        body = message["body"]
        if message["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args, _kwargs, _embed = json.loads(body)
        found.append(args)
    return found
