"""gunicorn's settings in production (``gunicorn -c python:frontdoor.gunicorn_config
frontdoor.wsgi``, as the Dockerfile and docker-compose run it). See docs/adr/0053.

A request spends about half its time waiting on PostgreSQL. A single-threaded worker
holds its core idle through those waits, and requests beyond the worker count queue in
the listen backlog, with that wait counted in every response time. So: a worker
process per core (Python runs one thread at a time per process), each with threads
enough to keep its core busy while others wait. Both can be set from the environment
for a host that wants otherwise.

"A core" is one this process may use: ``os.cpu_count()`` is the host's, so a container
given two CPUs of a 64-core host would start 64 workers, each thread holding a
PostgreSQL connection. The cores it may run on (a cpuset) count, fewer if the cgroup's
CPU quota (``docker --cpus``, a Kubernetes limit) allows less, rounded up.
"""

import math
import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


def available_cores(cgroup: Path = CGROUP) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 2
    for quota_file, period_file in (
        ("cpu.max", None),  # cgroup v2: "<quota> <period>" or "max <period>"
        ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"),  # cgroup v1: -1 for none
    ):
        try:
            quota, *rest = (cgroup / quota_file).read_text().split()
            period = rest[0] if period_file is None else (cgroup / period_file).read_text()
            if quota not in ("max", "-1"):
                return max(1, min(cores, math.ceil(int(quota) / int(period))))
        except (OSError, ValueError, IndexError, ZeroDivisionError):
            continue
    return cores


bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS") or available_cores())
threads = int(os.environ.get("WEB_THREADS") or 4)
worker_class = "gthread"
accesslog = "-"  # URLs carry no personal data (references and ids only)
