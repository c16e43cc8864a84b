"""The bench's private stack: its own PostgreSQL database and Redis prefix, the app on them, and
gunicorn processes started and stopped by pid."""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

import config as config_module

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
# The same gunicorn settings for the bare app and Hotline (see docs/PERFORMANCE.md).
GUNICORN = ["-w", "4", "-k", "gthread", "--threads", "2", "--backlog", "256", "--no-control-socket"]
TWILIO_TOKEN = "bench-twilio-auth-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    """One bench run's database, Redis prefix and app."""

    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    db_name: str = ""
    prefix: str = ""
    app: Flask | None = None
    token: str = ""
    procs: list[subprocess.Popen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.db_name = self.db_name or f"hotline_bench_{self.tag}"
        self.prefix = self.prefix or f"bench{self.tag}"

    @property
    def url(self) -> str:
        return f"{PG_SERVER}/{self.db_name}"

    @property
    def admin_url(self) -> str:
        return f"{PG_SERVER}/postgres"

    def create(self) -> Flask:
        admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.db_name}"'))
        admin.dispose()
        self.app = make_app(self.url, self.prefix)
        with self.app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=str(ROOT / "migrations"), revision="head")
        return self.app

    def seed(self) -> None:
        """Reference data (the demo units, categories, rules) and an operator's bearer token."""
        from hotline.auth.tokens import issue_token
        from hotline.auth.users import create_user
        from hotline.core.clock import utcnow
        from hotline.core.extensions import db
        from hotline.seed.demo import load_reference

        with self.app.app_context():
            load_reference(now=utcnow())
            user = create_user(
                username="bench-operator", password="bench-password-1", role="operator"
            )
            db.session.commit()
            self.token = issue_token(user)

    def drop(self) -> None:
        self.stop_all()
        for log_file in Path(tempfile.gettempdir()).glob(f"hotline-bench-{self.tag}-*.log"):
            log_file.unlink(missing_ok=True)
        if self.app is not None:
            from hotline.core.extensions import db

            with self.app.app_context():
                db.engine.dispose()
                from hotline.core.queue import all_queues, redis_conn

                for queue in all_queues():  # jobs left queued: their hashes go with them
                    queue.empty()
                conn = redis_conn()
                for key in conn.scan_iter(f"*{self.prefix}*", count=1000):
                    conn.delete(key)
        admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'))
        admin.dispose()

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for Hotline subprocesses (gunicorn, flask worker) on this stack."""
        return {
            **os.environ,
            "DATABASE_URL": self.url.replace("+psycopg", ""),
            "REDIS_URL": REDIS_URL,
            "BENCH_QUEUE_PREFIX": self.prefix,
            "SECRET_KEY": "bench-secret",
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "SMS_BACKEND": "console",
            "FLASK_APP": "bench.hotline_app:create()",
            "PYTHONPATH": str(ROOT),
            **extra,
        }

    def gunicorn(
        self,
        target: str,
        *,
        env: dict[str, str],
        cwd: Path = ROOT,
        binary: Path | None = None,
    ) -> tuple[subprocess.Popen, int]:
        """Start gunicorn on a free loopback port; returns once its workers answer.

        `cwd` and `binary` serve another tree (bench/compare.py) or the peer's venv with the
        same settings. Its output goes to a log file: an undrained pipe would block the workers
        on logging.
        """
        port = free_port()
        log_path = Path(tempfile.gettempdir()) / f"hotline-bench-{self.tag}-{port}.log"
        with log_path.open("ab") as log_file:
            proc = subprocess.Popen(
                [
                    str(binary or Path(sys.executable).parent / "gunicorn"),
                    *GUNICORN,
                    "-b",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                    target,
                ],
                cwd=cwd,
                env=env,
                stdout=log_file,
                stderr=log_file,
                start_new_session=True,
            )
        self.procs.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = log_path.read_text(errors="replace")[-800:]
                raise RuntimeError(f"gunicorn {target} exited: {tail}")
            if _answers_quickly(port):
                return proc, port
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {target} did not start")

    def stop(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self) -> None:
        for proc in list(self.procs):
            self.stop(proc)


def _answers_quickly(port: int, times: int = 12) -> bool:
    """True once `times` requests in a row get any HTTP answer within 100 ms: the master accepts
    connections long before its workers have imported the app."""
    for _ in range(times):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1) as conn:
                conn.settimeout(0.1)
                conn.sendall(
                    b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                if not conn.recv(16).startswith(b"HTTP/"):
                    return False
        except OSError:
            return False
    return True


def make_app(url: str, prefix: str, **overrides: Any) -> Flask:
    """Hotline on the bench database and queue prefix (in this process)."""
    from hotline import create_app

    cfg = config_module.Config(
        ENV_NAME="bench",
        SECRET_KEY="bench-secret",
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10, "max_overflow": 10},
        REDIS_URL=REDIS_URL,
        QUEUE_PREFIX=prefix,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        RATELIMIT_ENABLED=False,
    )
    for key, value in overrides.items():
        setattr(cfg, key, value)
    return create_app(cfg)


def _wrk() -> str:
    """wrk's path, installing it first if the intake section has not yet done so."""
    from bench.load import ensure_wrk

    try:
        return ensure_wrk()
    except RuntimeError:
        return "wrk"


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=False)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not found"


def machine(url: str) -> dict[str, Any]:
    """The facts the figures depend on: cores, memory, versions."""
    from importlib.metadata import version

    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        pg = conn.execute(sa.text("SHOW server_version")).scalar_one()
    engine.dispose()
    from redis import Redis

    redis_version = Redis.from_url(REDIS_URL).info("server")["redis_version"]
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (x.split(":", 1)[1].strip() for x in cpuinfo if x.startswith("model name")),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": pg,
        "redis": redis_version,
        "gunicorn": version("gunicorn"),
        "flask": version("flask"),
        "sqlalchemy": version("sqlalchemy"),
        "rq": version("rq"),
        "psycopg": version("psycopg"),
        "wrk": _version([_wrk(), "-v"]),
    }
