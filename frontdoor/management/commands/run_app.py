"""Run the whole app in one terminal: web server, Celery worker and Celery beat.

This process holds the embedded PostgreSQL and Redis (when no URLs are set), so
they stay up while any part of the app runs and stop when it stops.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from frontdoor.database_roles import manage_as_owner

STOP_GRACE_SECONDS = 20


class Command(BaseCommand):
    help = "Migrate, load demo data, then run web, worker and beat until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-demo-data", action="store_true")

    def handle(self, *args, host: str, port: int, no_demo_data: bool, **options):
        # Migrations run as the owner role; this process and its children are the app.
        if manage_as_owner("migrate", "--noinput") != 0:
            raise CommandError("Migrating the database failed (see above).")
        if not no_demo_data and settings.DEBUG:
            call_command("load_demo_data")
        python = sys.executable
        commands = {
            "web": [
                python,
                "-m",
                "gunicorn",
                "frontdoor.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "frontdoor",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "frontdoor",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        children: dict[str, subprocess.Popen] = {
            name: subprocess.Popen(command, env=os.environ.copy())  # noqa: S603
            for name, command in commands.items()
        }
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        self.stdout.write(
            self.style.SUCCESS(f"Front Door is running at http://{host}:{port}/ (Ctrl+C stops it)")
        )
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"The {name} process stopped (exit {child.returncode}).")
                    stopping, exit_code = True, 1
                    break
            time.sleep(0.5)
        self._stop(children)
        if exit_code:
            sys.exit(exit_code)

    def _stop(self, children: dict[str, subprocess.Popen]) -> None:
        self.stdout.write("Stopping web, worker and beat…")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("Stopped. Embedded services stop as this process exits.")
