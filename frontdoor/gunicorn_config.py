"""gunicorn's settings in production (``gunicorn -c python:frontdoor.gunicorn_config
frontdoor.wsgi``, as the Dockerfile and docker-compose run it). See docs/adr/0053.

A request spends about half its time waiting on PostgreSQL. A single-threaded worker
holds its core idle through those waits, and requests beyond the worker count queue in
the listen backlog, with that wait counted in every response time. So: a worker
process per core (Python runs one thread at a time per process), each with threads
enough to keep its core busy while others wait. Both can be set from the environment
for a host that wants otherwise.
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS") or os.cpu_count() or 2)
threads = int(os.environ.get("WEB_THREADS") or 4)
worker_class = "gthread"
accesslog = "-"  # URLs carry no personal data (references and ids only)
