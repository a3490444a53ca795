"""Run the whole app in one terminal: web server, Celery worker and Celery beat.

This process holds the embedded PostgreSQL and Redis (when no URLs are set), so
they stay up while any part of the app runs and stop when it stops.
"""

from __future__ import annotations

import os
import signal
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from frontdoor.database_roles import manage_as_owner
from frontdoor.supervisor import Supervisor


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
        supervisor = Supervisor(commands=commands, env=os.environ.copy(), out=self.stdout)
        supervisor.start()
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        self.stdout.write(
            self.style.SUCCESS(f"Front Door is running at http://{host}:{port}/ (Ctrl+C stops it)")
        )
        supervisor.run(lambda: stopping)
        self.stdout.write("Stopping web, worker and beat…")
        supervisor.stop()
        self.stdout.write("Stopped. Embedded services stop as this process exits.")
