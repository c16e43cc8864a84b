"""Fault-test fixtures: a private database and a private redis-server that tests may stop, an
in-process app on them, and `flask worker` subprocesses on the same stack."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from redis import Redis

from hotline.core.extensions import db
from tests.conftest import ROOT, _server_url
from tests.faults.helpers import private_app
from tests.faults.tcpproxy import free_port


class RedisServer:
    """A throw-away `redis-server` on a spare port (no persistence) that a test can stop."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                client.close()
                return
            except OSError:
                time.sleep(0.05)
            except Exception:  # noqa: BLE001 - redis' ConnectionError while it starts
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


@dataclass
class Stack:
    """A private database + Redis, the in-process app on them, and worker subprocesses."""

    app: Flask
    database_url: str
    redis: RedisServer
    prefix: str
    workers: list[subprocess.Popen] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "FLASK_APP": "tests.faults.worker_app:create()",
            "DATABASE_URL": self.database_url.replace("+psycopg", ""),
            "REDIS_URL": self.redis.url,
            "FAULT_QUEUE_PREFIX": self.prefix,
            "SECRET_KEY": "fault-secret",
            "TWILIO_AUTH_TOKEN": "test-auth-token",
            "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
            "PYTHONPATH": str(ROOT),
            **extra,
        }

    def worker(self, *args: str, **env: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "worker", *args],
            cwd=ROOT,
            env=self.env(**env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.workers.append(proc)
        return proc

    def kill9(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.workers.clear()


@pytest.fixture
def stack(app: Flask, tmp_path: Path) -> Iterator[Stack]:
    """A fresh migrated database (PostgreSQL when the run uses it, else an SQLite file) and a
    private redis-server; both thrown away after the test."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    admin = None
    if base:
        base = base.replace("postgresql://", "postgresql+psycopg://", 1)
        name = f"hotline_fault_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(_server_url(base, "postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = _server_url(base, name)
    else:
        url = f"sqlite:///{tmp_path / 'fault.db'}"
    server = RedisServer(tmp_path)
    server.start()
    prefix = f"f{uuid.uuid4().hex[:8]}"
    faulty = private_app(
        app,
        SQLALCHEMY_DATABASE_URI=url,
        REDIS_URL=server.url,
        QUEUE_PREFIX=prefix,
        JOBS_ENABLED=True,
    )
    with faulty.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="head")
    result = Stack(faulty, url, server, prefix)
    try:
        yield result
    finally:
        result.stop_workers()
        with faulty.app_context():
            db.session.remove()
            db.engine.dispose()
            conn = faulty.extensions.get("hotline_redis")
            if conn is not None:
                conn.close()
        server.stop()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
