"""Intake before/after a revision, in one run: `python -m bench.run --only intake --compare REV`.

REV is checked out into a temporary `git worktree` outside the repository, served by gunicorn
with the same settings and environment as the current tree (its own bench/hotline_app.py, its
own code on PYTHONPATH), on the same database: the comparison refuses a REV whose migrations
differ from the current tree's. POST /api/v1/tickets and signed POST /twilio/sms are measured
A/B in the intake section's turns (wrk, same connections, rounds of 2 s, every other round in
reverse order), and the worktree is removed afterwards whatever happens.
"""

from __future__ import annotations

import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import intake, load
from bench.stack import ROOT, Stack

log = logging.getLogger("bench.compare")

APP = "bench.hotline_app:create()"
WARM_SMS = 1500


def _git(repo: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=120, check=False
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {proc.stderr.strip()[-400:]}")
    return proc.stdout


@contextmanager
def worktree(rev: str, repo: Path = ROOT) -> Iterator[tuple[Path, str]]:
    """(path, commit) of `rev` checked out, detached, in a temporary directory outside `repo`;
    the worktree is removed (and pruned from git's list) on the way out."""
    commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    parent = Path(tempfile.mkdtemp(prefix="hotline-bench-compare-"))
    path = parent / "tree"
    if path.resolve().is_relative_to(repo.resolve()):
        shutil.rmtree(parent, ignore_errors=True)
        raise RuntimeError(f"temporary directory {parent} is inside the repository")
    try:
        _git(repo, "worktree", "add", "--detach", str(path), commit)
        yield path, commit
    finally:
        _git(repo, "worktree", "remove", "--force", str(path), check=False)
        shutil.rmtree(parent, ignore_errors=True)
        _git(repo, "worktree", "prune", check=False)


def same_migrations(commit: str, repo: Path = ROOT) -> bool:
    """True when `commit`'s code can serve the current tree's database: its migrations are the
    current tree's, or the current tree only added migrations since (new tables, new columns
    with server defaults, which the older code never names). A changed or removed migration
    means another schema: refused."""
    proc = subprocess.run(
        ["git", "-C", str(repo), "diff", "--name-status", commit, "--", "migrations"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        return False
    return all(line.startswith("A\t") for line in proc.stdout.splitlines() if line.strip())


def pair(current: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """Both peaks, the ratio of their rates and each round's ratio (the rounds ran in turns)."""
    rounds = [a / b for a, b in zip(current["rounds_rps"], before["rounds_rps"], strict=True) if b]
    return {
        "current": current,
        "rev": before,
        "ratio": current["rps"] / before["rps"] if before["rps"] else None,
        "rounds_ratio": [round(r, 3) for r in rounds],
        "median_round_ratio": statistics.median(rounds) if rounds else None,
    }


def run(stack: Stack, *, rev: str, seconds: int, connections: int) -> dict[str, Any]:
    head = _git(ROOT, "rev-parse", "HEAD").strip()
    dirty = bool(_git(ROOT, "status", "--porcelain", "--untracked-files=no").strip())
    with worktree(rev) as (tree, commit):
        if not same_migrations(commit):
            raise RuntimeError(f"{rev}'s migrations were changed since, not only added to")
        if not (tree / "bench" / "hotline_app.py").exists():
            raise RuntimeError(f"{rev} has no bench/hotline_app.py to serve")
        env_current = stack.env(PUBLIC_BASE_URL=intake.PUBLIC_BASE_URL, JOBS_ENABLED="1")
        env_rev = {**env_current, "PYTHONPATH": str(tree)}
        python = str(Path(sys.executable))
        imports = {
            "current": _run_python(python, env_current, ROOT),
            "rev": _run_python(python, env_rev, tree),
        }
        if not imports["rev"].startswith(str(tree)):
            raise RuntimeError(f"{rev}'s server would import hotline from {imports['rev']}")
        current_proc, current_port = stack.gunicorn(APP, env=env_current)
        rev_proc, rev_port = stack.gunicorn(APP, env=env_rev, cwd=tree)
        try:
            peaks = _measure(stack, current_port, rev_port, seconds, connections)
        finally:
            stack.stop(current_proc)
            stack.stop(rev_proc)
    return {
        "rev": rev,
        "rev_commit": commit,
        "head_commit": head,
        "dirty": dirty,
        "imports": imports,
        "api": pair(peaks["api"], peaks["api@rev"]),
        "sms": pair(peaks["sms"], peaks["sms@rev"]),
    }


def _run_python(python: str, env: dict[str, str], cwd: Path) -> str:
    proc = subprocess.run(
        [python, "-c", "import hotline, bench.hotline_app; print(hotline.__file__)"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc.stdout.strip() or proc.stderr.strip()[-300:]


def _measure(
    stack: Stack, current_port: int, rev_port: int, seconds: int, connections: int
) -> dict[str, dict[str, Any]]:
    body = intake.api_body()
    api_headers = {"Content-Type": "application/json", "Authorization": f"Bearer {stack.token}"}
    # Each server its own signed messages: one database, so a MessageSid seen by one would hit
    # the other's idempotent-retry path.
    count = max(4000, 2500 * (seconds + 2))
    sms = {port: intake.sms_bodies(count) for port in (current_port, rev_port)}
    targets = []
    for name, port in (("api", current_port), ("api@rev", rev_port)):
        targets.append(intake.Target(name, port, "/api/v1/tickets", api_headers, body=body))
    for name, port in (("sms", current_port), ("sms@rev", rev_port)):
        targets.append(
            intake.Target(
                name, port, "/twilio/sms", intake.SMS_HEADERS, bodies=sms[port][WARM_SMS:]
            )
        )
    for target in targets:
        load.wrk(
            target.url,
            headers=target.headers,
            body=target.body,
            bodies=sms[target.port][:WARM_SMS] if target.bodies is not None else None,
            seconds=2,
            connections=connections,
        )
    return intake._interleaved_peaks(
        targets, seconds=seconds, connections=connections, alternate=True
    )
