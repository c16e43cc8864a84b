"""The peer: django-helpdesk, in a throw-away venv, for the sweep and for intake.

django-helpdesk is not a project dependency: the bench installs it under /tmp with pip, builds a
minimal Django project on a private PostgreSQL database, and either loads tickets set-based and
times `escalate_tickets` (`run`), or serves its public "submit a ticket" form under gunicorn with
Hotline's settings for the intake load (`intake_site`, driven from bench/intake.py). Anything
that fails is reported as the reason, never as a number.
"""

from __future__ import annotations

import html
import importlib.metadata
import os
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

VENV = Path("/tmp/hotline-bench-peer/venv")
PROJECT = Path("/tmp/hotline-bench-peer/project")
# gunicorn at Hotline's own version, so both sites are served alike (intake)
PACKAGES = [
    "django-helpdesk",
    "psycopg[binary]",
    f"gunicorn=={importlib.metadata.version('gunicorn')}",
]
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
# CSRF as any deployment has it: the intake load fetches the token as a browser would.
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
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
                         "USER": "postgres",
                         # persistent connections, as Hotline's pool (one per gunicorn thread)
                         "CONN_MAX_AGE": 60}}
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
        probe = _run([str(python), "-c", "import helpdesk, django, psycopg, gunicorn"], timeout=60)
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
    write_project()
    name = f"hotline_bench_peer_{os.getpid()}"
    admin = _create_database(admin_url, name)
    env = project_env(name)
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
        _drop_database(admin, name)


def write_project() -> None:
    PROJECT.mkdir(parents=True, exist_ok=True)
    for file_name, text in (
        ("benchsettings.py", SETTINGS),
        ("benchurls.py", URLS),
        ("benchwsgi.py", WSGI),
        ("load.py", LOAD),
        ("public_queue.py", PUBLIC_QUEUE),
    ):
        (PROJECT / file_name).write_text(textwrap.dedent(text))


def project_env(db_name: str) -> dict[str, str]:
    return {
        **os.environ,
        "PEER_DB": db_name,
        "DJANGO_SETTINGS_MODULE": "benchsettings",
        "PYTHONPATH": str(PROJECT),
    }


def _create_database(admin_url: str, name: str):
    import sqlalchemy as sa

    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return admin


def _drop_database(admin, name: str) -> None:
    import sqlalchemy as sa

    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# --- intake: the public "submit a ticket" form under gunicorn ---------------------------------

WSGI = """
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
"""

# The one queue open to anonymous submissions: the public form offers it by name.
PUBLIC_QUEUE = """
import django
django.setup()
from helpdesk.models import Queue
Queue.objects.create(title="Public", slug="public", allow_public_submission=True,
                     email_address="public@example.org")
"""
PUBLIC_QUEUE_TITLE = "Public"
# The anonymous "submit a ticket" view (helpdesk.views.public.create_ticket); a valid submission
# answers 302 to the ticket's public page, an invalid one 200 with the form and its errors.
SUBMIT_PATH = "/helpdesk/tickets/submit/"


class PeerSetupError(RuntimeError):
    """The peer could not be installed, migrated or served: its reason goes in the report."""


@dataclass
class Form:
    """What a browser holds after loading the public form: the CSRF cookie, the form's masked
    token (Django accepts it as long as the cookie matches) and the public queue's option."""

    cookie: str
    token: str
    queue: str

    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.cookie}",
        }

    def bodies(self, descriptions: list[str], count: int, tag: str) -> list[str]:
        """`count` submissions, each its own title and submitter, descriptions in turn."""
        return [
            urlencode(
                {
                    "csrfmiddlewaretoken": self.token,
                    "queue": self.queue,
                    "title": f"bench {tag} {i}",
                    "body": descriptions[i % len(descriptions)],
                    "priority": "3",
                    "submitter_email": f"c{i}.{tag}@example.org",
                }
            )
            for i in range(count)
        ]


def csrf_from_page(set_cookies: list[str], page: str) -> tuple[str, str]:
    """(csrftoken cookie, csrfmiddlewaretoken field) from a form page's Set-Cookie headers and
    HTML, as a browser takes them."""
    jar: SimpleCookie = SimpleCookie()
    for header in set_cookies:
        jar.load(header)
    if "csrftoken" not in jar:
        raise PeerSetupError("the form page set no csrftoken cookie")
    field = re.search(r"<input\b[^>]*\bname=[\"']csrfmiddlewaretoken[\"'][^>]*>", page)
    value = field and re.search(r"\bvalue=[\"']([^\"']*)[\"']", field.group(0))
    if not value:
        raise PeerSetupError("the form page has no csrfmiddlewaretoken field")
    return jar["csrftoken"].value, html.unescape(value.group(1))


def option_value(page: str, select: str, label: str) -> str:
    """The value of the option labelled `label` in the page's <select name=`select`>."""
    block = re.search(
        rf"<select\b[^>]*\bname=[\"']{re.escape(select)}[\"'][^>]*>(.*?)</select>", page, re.S
    )
    if block:
        for value, text in re.findall(
            r"<option\b[^>]*\bvalue=[\"']([^\"']*)[\"'][^>]*>(.*?)</option>", block.group(1), re.S
        ):
            if html.unescape(text).strip() == label:
                return html.unescape(value)
    raise PeerSetupError(f"the form offers no {select} labelled {label!r}")


def fetch_form(port: int) -> Form:
    """GET the public form as a browser would: keep its cookie, read its hidden token."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}{SUBMIT_PATH}", timeout=10) as resp:
        page = resp.read().decode()
        set_cookies = resp.headers.get_all("Set-Cookie") or []
    cookie, token = csrf_from_page(set_cookies, page)
    return Form(cookie, token, option_value(page, "queue", PUBLIC_QUEUE_TITLE))


@dataclass
class Site:
    port: int
    form: Form
    db_url: str
    versions: dict[str, str]

    def tickets(self) -> int:
        """Rows in helpdesk_ticket: what the form really created."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.db_url)
        try:
            with engine.connect() as conn:
                return conn.execute(sa.text("SELECT count(*) FROM helpdesk_ticket")).scalar_one()
        finally:
            engine.dispose()


@contextmanager
def intake_site(stack: Any) -> Iterator[Site]:
    """django-helpdesk installed, migrated on its own database and served by gunicorn with
    Hotline's settings (bench/stack.py GUNICORN); everything removed on the way out.

    Raises PeerSetupError with the reason when any step fails."""
    error = install()
    if error:
        raise PeerSetupError(error)
    write_project()
    name = f"hotline_bench_peer_intake_{os.getpid()}"
    admin = _create_database(stack.admin_url, name)
    env = project_env(name)
    python = str(VENV / "bin" / "python")
    proc = None
    try:
        migrate = _run(
            [python, "-m", "django", "migrate", "-v0"], env=env, cwd=PROJECT, timeout=600
        )
        if migrate.returncode != 0:
            raise PeerSetupError("migrate failed: " + migrate.stderr.strip()[-400:])
        queue = _run([python, "public_queue.py"], env=env, cwd=PROJECT, timeout=120)
        if queue.returncode != 0:
            raise PeerSetupError("creating the public queue failed: " + queue.stderr[-400:])
        try:
            proc, port = stack.gunicorn(
                "benchwsgi:application", env=env, cwd=PROJECT, binary=VENV / "bin" / "gunicorn"
            )
        except RuntimeError as exc:
            raise PeerSetupError(str(exc)) from exc
        db_url = stack.admin_url.rsplit("/", 1)[0] + "/" + name
        yield Site(port, fetch_form(port), db_url, versions())
    finally:
        if proc is not None:
            stack.stop(proc)
        _drop_database(admin, name)
