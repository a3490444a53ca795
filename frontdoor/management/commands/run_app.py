"""Run the whole app in one terminal: web server, Celery worker and Celery beat.

This process holds the embedded PostgreSQL and Redis (when no URLs are set), so
they stay up while any part of the app runs and stop when it stops.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from frontdoor import embedded
from frontdoor.database_roles import manage_as_owner
from frontdoor.supervisor import StartupWatch, Supervisor


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
        demo = not no_demo_data and settings.DEBUG
        if demo:
            # The accounts are listed once everything is up, after the processes'
            # start-up output, so they are the last thing on the screen.
            call_command("load_demo_data", no_accounts_list=True)
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
        env = os.environ.copy()
        # Routine lines (each task received and done, each scheduled send) go to a
        # file, not the terminal: at first start the worker sends the demo's notices,
        # a thousand lines that would scroll everything else away. Warnings and
        # errors still come here (frontdoor/celery.py).
        log_dir = embedded.STATE_DIR / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        env["FRONTDOOR_TASK_LOG"] = str(log_dir / "tasks.log")
        supervisor = Supervisor(commands=commands, env=env, out=self.stdout)
        supervisor.start()
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        url = f"http://{host}:{port}/"
        watch = StartupWatch(host=host, port=port, worker_up=_worker_answers)

        def announce_once_up() -> None:
            if watch.announced or not watch.ready():
                return
            watch.announced = True
            lines = ["", *watch.caveats()]
            if demo:
                # load_demo_data wrote the accounts there; the core reads the file
                # rather than import the demo app, which sits above every app.
                lines += _demo_accounts_lines()
                lines.append(f"(Also written to {settings.DEMO_ACCOUNTS_FILE})")
            lines.append(f"Task and scheduler logs: {env['FRONTDOOR_TASK_LOG']}")
            self.stdout.write("\n".join(lines))
            self.stdout.write(
                self.style.SUCCESS(f"Front Door is running at {url} (Ctrl+C stops it)")
            )

        supervisor.run(lambda: stopping, each_tick=announce_once_up)
        self.stdout.write("Stopping web, worker and beat…")
        supervisor.stop()
        self.stdout.write("Stopped. Embedded services stop as this process exits.")


def _demo_accounts_lines() -> list[str]:
    return Path(settings.DEMO_ACCOUNTS_FILE).read_text(encoding="utf-8").splitlines()


def _worker_answers() -> bool:
    from frontdoor.celery import app

    try:
        return bool(app.control.ping(timeout=0.5))
    except Exception:  # the broker is not reachable yet
        return False
