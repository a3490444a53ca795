"""The production profile and the embedded services, checked in real processes."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from frontdoor.settings.base import celery_broker_url

PROJECT_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args, env_overrides):
    env = {**os.environ, **env_overrides}
    # The browser tests' relaxation must not reach a process checking production.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# What production needs besides its secret key: document keys and a real clamd.
PRODUCTION_SERVICES = {
    "DOCUMENT_KEYS": "p1xo2vA9l8PLbmDP0i7jAbKQ5D6eFzt2I7p0qsYVmxM=",
    "CLAMD_HOST": "clamd.internal",
}


def test_production_profile_passes_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "frontdoor.settings.production",
            "SECRET_KEY": "p" * 10 + "r0duct10n-k3y-" + "z" * 40,
            "ALLOWED_HOSTS": "frontdoor.example.gov.uk",
            **PRODUCTION_SERVICES,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_profile_refuses_to_start_without_a_secret_key():
    env = {"DJANGO_SETTINGS_MODULE": "frontdoor.settings.production", "SECRET_KEY": ""}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("missing", "said"),
    [("DOCUMENT_KEYS", "Set DOCUMENT_KEYS"), ("CLAMD_HOST", "Set CLAMD_SOCKET")],
)
def test_production_refuses_to_start_without_document_keys_or_a_real_scanner(missing, said):
    env = {
        "DJANGO_SETTINGS_MODULE": "frontdoor.settings.production",
        "SECRET_KEY": "p" * 10 + "r0duct10n-k3y-" + "z" * 40,
        **PRODUCTION_SERVICES,
        missing: "",
    }
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert said in result.stderr


@pytest.mark.parametrize("profile", ["development", "production"])
def test_every_profile_keeps_every_store_the_app_uses(profile):
    """A profile that sets its own STORAGES (development does, for static files) still
    has the documents' store: without it `make run` stopped at the demo's first file."""
    result = run_manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; "
        "print(sorted(name for name in ('default', 'staticfiles', 'documents') if storages[name]))",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": f"frontdoor.settings.{profile}",
            "SECRET_KEY": "p" * 10 + "r0duct10n-k3y-" + "z" * 40,
            **PRODUCTION_SERVICES,
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("['default', 'documents', 'staticfiles']")


def test_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("f" * 60 + "\n")
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(len(settings.SECRET_KEY))",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "frontdoor.settings.production",
            "SECRET_KEY": "",
            "SECRET_KEY_FILE": str(secret_file),
            **PRODUCTION_SERVICES,
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("60")


def test_document_keys_can_come_from_a_file_newest_first(tmp_path):
    """DOCUMENT_KEYS_FILE, as a Docker or systemd secret gives it: two keys during a
    rotation (docs/adr/0032), the first encrypting, both decrypting."""
    from cryptography.fernet import Fernet

    newest, older = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys_file = tmp_path / "document-keys"
    keys_file.write_text(f"{newest}, {older}\n")
    old_token = Fernet(older).encrypt(b"sealed under the older key").decode()
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; from frontdoor import file_crypto; "
        "print(settings.DOCUMENT_KEYS_GIVEN, len(settings.DOCUMENT_KEYS)); "
        f"print(file_crypto.decrypt({old_token!r}.encode()).decode()); "
        "from cryptography.fernet import Fernet; "
        "print(Fernet(settings.DOCUMENT_KEYS[0]).decrypt(file_crypto.encrypt(b'new')).decode())",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "frontdoor.settings.production",
            "SECRET_KEY": "p" * 10 + "r0duct10n-k3y-" + "z" * 40,
            **PRODUCTION_SERVICES,
            "DOCUMENT_KEYS": "",
            "DOCUMENT_KEYS_FILE": str(keys_file),
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-3:] == [
        "True 2",
        "sealed under the older key",
        "new",
    ]


@pytest.mark.parametrize(
    ("redis_url", "broker_url"),
    [
        ("redis://cache.internal:6379/2", "redis://cache.internal:6379/2"),
        ("unix:///srv/fd/redis.sock", "redis+socket:///srv/fd/redis.sock?virtual_host=0"),
        ("unix:///srv/fd/redis.sock?db=3", "redis+socket:///srv/fd/redis.sock?virtual_host=3"),
    ],
)
def test_celery_broker_url_follows_redis_url(redis_url, broker_url):
    assert celery_broker_url(redis_url) == broker_url


def test_settings_read_the_london_clock(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ is True


EMBEDDED_ROUND_TRIP = textwrap.dedent(
    """
    import sys
    import psycopg, redis
    from frontdoor import embedded

    pg = embedded.postgres()
    url = embedded.redis_url()
    owner = dict(dbname=pg.name, user=pg.owner_user, host=pg.socket_dir, autocommit=True)
    with psycopg.connect(**owner) as db:
        r = redis.Redis.from_url(url)
        if sys.argv[1] == "write":
            db.execute("CREATE TABLE kept (note text)")
            db.execute("INSERT INTO kept VALUES ('still here')")
            r.set("kept", "still here")
        else:
            print(db.execute("SELECT note FROM kept").fetchone()[0])
            print(r.get("kept").decode())
        r.close()
    """
)


def test_embedded_services_keep_data_across_a_restart_and_stop_with_the_app(tmp_path):
    import psutil

    state_dir = tmp_path / "state"
    env = {**os.environ, "FRONTDOOR_STATE_DIR": str(state_dir)}
    env.pop("XDG_RUNTIME_DIR", None)

    def run(mode):
        return subprocess.run(
            [sys.executable, "-c", EMBEDDED_ROUND_TRIP, mode],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    written = run("write")
    assert written.returncode == 0, written.stderr

    def servers_running():
        return [
            process
            for process in psutil.process_iter(["cmdline"])
            if str(state_dir) in " ".join(process.info["cmdline"] or [])
        ]

    # The last process using the servers has exited, so both have stopped.
    assert servers_running() == []

    read = run("read")
    assert read.returncode == 0, read.stderr
    assert read.stdout.split() == ["still", "here", "still", "here"]
    assert servers_running() == []


def test_a_deep_checkout_still_gets_sockets_it_can_bind(tmp_path):
    deep = tmp_path / ("nested-directory-" * 6) / "state"
    env = {**os.environ, "FRONTDOOR_STATE_DIR": str(deep)}
    env.pop("XDG_RUNTIME_DIR", None)
    script = (
        "import psycopg, redis; from frontdoor import embedded; "
        "pg = embedded.postgres(); "
        "psycopg.connect(dbname=pg.name, user=pg.app_user, host=pg.socket_dir).close(); "
        "url = embedded.redis_url(); print(url); "
        "print(redis.Redis.from_url(url).ping())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    url, answered = result.stdout.split()
    assert len(url) - len("unix://") <= 100
    assert answered == "True"


def test_a_council_name_set_empty_still_names_a_council():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(repr(settings.COUNCIL_NAME))",
        env_overrides={"COUNCIL_NAME": "  "},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "'Demonstration County Council'"


@pytest.mark.parametrize("percent", ["0.001", "0", "-5", "100.5"])
def test_a_decision_audit_share_the_samples_cannot_keep_refuses_to_start(percent):
    """A sample keeps its share to two decimal places: 0.001 % would be kept as 0."""
    result = run_manage("check", env_overrides={"DECISION_AUDIT_SAMPLE_PERCENT": percent})
    assert result.returncode != 0
    assert "DECISION_AUDIT_SAMPLE_PERCENT must be from 0.01 to 100" in result.stderr


GUNICORN_CONFIG = ("-c", "python:frontdoor.gunicorn_config")


def gunicorn_settings(overrides: dict[str, str], *, prefix: tuple[str, ...] = ()) -> dict:
    """What gunicorn reads from the config file, as the Dockerfile starts it."""
    env = {**os.environ, **overrides}
    for name in ("WEB_WORKERS", "WEB_THREADS"):
        if name not in overrides:
            env.pop(name, None)
    result = subprocess.run(
        [
            *prefix,
            sys.executable,
            "-m",
            "gunicorn",
            "--print-config",
            *GUNICORN_CONFIG,
            "frontdoor.wsgi",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    )


@pytest.mark.parametrize(
    ("overrides", "workers", "threads"),
    [
        ({}, len(os.sched_getaffinity(0)), 4),
        ({"WEB_WORKERS": "3", "WEB_THREADS": "8"}, 3, 8),
    ],
)
def test_gunicorn_runs_a_threaded_worker_per_core_unless_told_otherwise(
    overrides, workers, threads
):
    """As the Dockerfile and docker-compose start it (docs/adr/0053)."""
    settings = gunicorn_settings(overrides)
    assert settings["worker_class"] == "gthread"
    assert settings["workers"] == str(workers)
    assert settings["threads"] == str(threads)
    assert "gunicorn_config" in Path(PROJECT_DIR / "Dockerfile").read_text()
    assert "gunicorn_config" in Path(PROJECT_DIR / "docker-compose.yml").read_text()


def test_gunicorn_counts_only_the_cores_the_process_may_run_on():
    # A container given one CPU of a larger host (a cpuset, or taskset here) runs one
    # worker, not one per core of the host, each holding a database connection per thread.
    assert gunicorn_settings({}, prefix=("taskset", "-c", "0"))["workers"] == "1"


@pytest.mark.parametrize(
    ("cpu_max", "cores"),
    [
        ("max 100000\n", 2),  # no quota: the cores it may run on (two in the test)
        ("100000 100000\n", 1),  # docker --cpus=1
        ("150000 100000\n", 2),  # --cpus=1.5: a second worker for the half
        ("50000 100000\n", 1),  # half a core: still one worker
        ("", 2),  # unreadable: as without a quota
    ],
)
def test_gunicorn_workers_follow_a_containers_cpu_quota(tmp_path, monkeypatch, cpu_max, cores):
    from frontdoor import gunicorn_config

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    (tmp_path / "cpu.max").write_text(cpu_max)
    assert gunicorn_config.available_cores(cgroup=tmp_path) == cores


def test_gunicorn_workers_follow_a_cgroup_v1_cpu_quota(tmp_path, monkeypatch):
    from frontdoor import gunicorn_config

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("200000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert gunicorn_config.available_cores(cgroup=tmp_path) == 2
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert gunicorn_config.available_cores(cgroup=tmp_path) == 4
