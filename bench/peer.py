"""The peer: django-helpdesk's `escalate_tickets` over the same tickets, in a throw-away venv.

django-helpdesk is not a project dependency: the bench installs it under /tmp with pip, builds a
minimal Django project on a private PostgreSQL database, loads tickets set-based, and times the
management command. Anything that fails is reported as the reason, never as a number.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

VENV = Path("/tmp/hotline-bench-peer/venv")
PROJECT = Path("/tmp/hotline-bench-peer/project")
PACKAGES = ["django-helpdesk", "psycopg[binary]"]
INSTALL_TIMEOUT = 600
COMMAND_TIMEOUT = 1800

SETTINGS = """
import os
SECRET_KEY = "bench-only"
DEBUG = False
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
ALLOWED_HOSTS = ["127.0.0.1"]
SITE_ID = 1
ROOT_URLCONF = "benchurls"
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
# Teams need pinax-teams; escalation does not use them.
HELPDESK_TEAMS_MODE_ENABLED = False
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [],
              "APP_DIRS": True, "OPTIONS": {"context_processors": [
                  "django.template.context_processors.request",
                  "django.contrib.auth.context_processors.auth",
                  "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql",
                         "NAME": os.environ["PEER_DB"], "HOST": "127.0.0.1", "PORT": "5432",
                         "USER": "postgres"}}
# Escalation mails go nowhere: we time the command, not an SMTP server.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
STATIC_URL = "/static/"
"""

URLS = """
from django.urls import include, path
urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
"""

# Load N tickets set-based: `open_share` open, `due` of them old enough to escalate today.
LOAD = """
import os, sys, time
import django
django.setup()
from django.db import connection
from helpdesk.models import Queue
n, open_n, due = (int(x) for x in sys.argv[1:4])
queue = Queue.objects.create(title="Bench", slug="bench", escalate_days=3,
                             email_address="bench@example.org")
with connection.cursor() as cur:
    cur.execute(
        '''
        INSERT INTO helpdesk_ticket (title, queue_id, created, modified, submitter_email,
            status, on_hold, description, resolution, priority, due_date, last_escalation,
            secret_key, kbitem_id, merged_to_id, assigned_to_id)
        SELECT 'bench ticket ' || g, %s,
               CASE WHEN g <= %s THEN now() - interval '10 days' ELSE now() - interval '1 day' END,
               now(), 'c' || g || '@example.org',
               CASE WHEN g <= %s THEN 1 ELSE 4 END, false, 'description ' || g, NULL, 3,
               NULL, NULL, md5(g::text), NULL, NULL, NULL
        FROM generate_series(1, %s) AS g
        ''',
        [queue.id, due, open_n, n],
    )
print("loaded", n)
"""


def _run(
    cmd: list[str], *, env: dict[str, str] | None = None, timeout: int, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, env=env, cwd=cwd, timeout=timeout, capture_output=True, text=True, check=False
    )


def install() -> str | None:
    """Create the venv and install django-helpdesk; the error text if that fails."""
    python = VENV / "bin" / "python"
    if python.exists():
        probe = _run([str(python), "-c", "import helpdesk, django, psycopg"], timeout=60)
        if probe.returncode == 0:
            return None
    VENV.parent.mkdir(parents=True, exist_ok=True)
    made = _run([sys.executable, "-m", "venv", str(VENV)], timeout=120)
    if made.returncode != 0:
        return "python -m venv failed: " + made.stderr.strip()[-300:]
    pip = _run([str(VENV / "bin" / "pip"), "install", "-q", *PACKAGES], timeout=INSTALL_TIMEOUT)
    if pip.returncode != 0:
        return "pip install django-helpdesk failed: " + pip.stderr.strip()[-300:]
    return None


def versions() -> dict[str, str]:
    out = _run(
        [
            str(VENV / "bin" / "python"),
            "-c",
            "import django, importlib.metadata as m; "
            "print(django.get_version(), m.version('django-helpdesk'))",
        ],
        timeout=60,
    )
    django_v, helpdesk_v = ([*out.stdout.split(), "?", "?"])[:2]
    return {"django": django_v, "django-helpdesk": helpdesk_v}


def run(*, admin_url: str, n: int, open_n: int, due: int) -> dict[str, Any]:
    """Time `manage.py escalate_tickets` over `n` tickets with `due` to escalate."""
    error = install()
    if error:
        return {"ok": False, "reason": error}
    import sqlalchemy as sa

    PROJECT.mkdir(parents=True, exist_ok=True)
    (PROJECT / "benchsettings.py").write_text(textwrap.dedent(SETTINGS))
    (PROJECT / "benchurls.py").write_text(textwrap.dedent(URLS))
    (PROJECT / "load.py").write_text(textwrap.dedent(LOAD))
    name = f"hotline_bench_peer_{os.getpid()}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    env = {
        **os.environ,
        "PEER_DB": name,
        "DJANGO_SETTINGS_MODULE": "benchsettings",
        "PYTHONPATH": str(PROJECT),
    }
    python = str(VENV / "bin" / "python")
    manage = [python, "-m", "django"]
    try:
        migrate = _run([*manage, "migrate", "-v0"], env=env, cwd=PROJECT, timeout=600)
        if migrate.returncode != 0:
            return {"ok": False, "reason": "migrate failed: " + migrate.stderr.strip()[-400:]}
        load = _run(
            [python, "load.py", str(n), str(open_n), str(due)], env=env, cwd=PROJECT, timeout=600
        )
        if load.returncode != 0:
            return {"ok": False, "reason": "loading tickets failed: " + load.stderr.strip()[-400:]}
        started = time.perf_counter()
        command = _run([*manage, "escalate_tickets"], env=env, cwd=PROJECT, timeout=COMMAND_TIMEOUT)
        seconds = time.perf_counter() - started
        if command.returncode != 0:
            return {"ok": False, "reason": "escalate_tickets failed: " + command.stderr[-400:]}
        count = _run(
            [
                python,
                "-c",
                "import django; django.setup(); from helpdesk.models import FollowUp; "
                "print(FollowUp.objects.filter(title='Ticket Escalated').count())",
            ],
            env=env,
            cwd=PROJECT,
            timeout=120,
        )
        escalated = int(count.stdout.strip() or 0)
        # again at once: nothing is due now (each escalated ticket was just stamped)
        started = time.perf_counter()
        again = _run([*manage, "escalate_tickets"], env=env, cwd=PROJECT, timeout=COMMAND_TIMEOUT)
        nothing_due = time.perf_counter() - started
        if again.returncode != 0:
            return {"ok": False, "reason": "escalate_tickets failed: " + again.stderr[-400:]}
        return {
            "ok": True,
            "seconds": seconds,
            "nothing_due_seconds": nothing_due,
            "escalated": escalated,
            **versions(),
        }
    except subprocess.TimeoutExpired as exc:
        return {"ok": False, "reason": f"timed out after {exc.timeout} s: {exc.cmd[-1]}"}
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
