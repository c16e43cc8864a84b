"""The sweep before/after a revision: `python -m bench.run --only sweep --compare REV`.

The sweep section times the sweep in-process on one tree's code, so each measurement is a child
`python -m bench.run --only sweep` run in its tree: the current one, and REV exported with
`git archive` into a temporary directory outside the repository (removed afterwards; git's own
metadata is not touched). The children run in turns, every other pair in reverse order, each on
a database of its own; the figure compared is the sweep escalating the due tickets at 1 M.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.compare import _git
from bench.stack import ROOT

log = logging.getLogger("bench.sweep_compare")

PAIRS = 2
TIMEOUT = 1800


@contextmanager
def exported(rev: str, repo: Path = ROOT) -> Iterator[tuple[Path, str]]:
    """(path, commit) of `rev`'s files in a temporary directory outside `repo`."""
    commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    parent = Path(tempfile.mkdtemp(prefix="hotline-bench-sweep-"))
    try:
        archive = parent / "tree.tar"
        with archive.open("wb") as out:
            subprocess.run(
                ["git", "-C", str(repo), "archive", commit], stdout=out, check=True, timeout=120
            )
        tree = parent / "tree"
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter="data")
        yield tree, commit
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def _child(tree: Path, out: Path, quick: bool) -> dict[str, Any]:
    """One tree's sweep section, in a child process; its escalation figures."""
    args = [sys.executable, "-m", "bench.run", "--only", "sweep", "--out", str(out)]
    args += ["--doc", str(out.with_suffix(".md"))] + (["--quick"] if quick else [])
    proc = subprocess.run(
        args, cwd=tree, env=dict(os.environ), capture_output=True, text=True, timeout=TIMEOUT
    )
    if proc.returncode != 0:
        raise RuntimeError(f"sweep bench in {tree} failed: {proc.stderr.strip()[-600:]}")
    sweep = json.loads(out.read_text())["sections"]["sweep"]
    if sweep.get("error"):
        raise RuntimeError(f"sweep bench in {tree}: {sweep['error']}")
    return {
        "seconds": sweep["escalate_big"]["seconds"],
        "singles_seconds": (sweep.get("escalate_big_singles") or {}).get("seconds"),
        "due": sweep["escalate_big"]["due"],
    }


def run(*, rev: str, quick: bool, pairs: int = PAIRS) -> dict[str, Any]:
    """Both trees' sweep figures, `pairs` times in turns, and their ratios."""
    with exported(rev, ROOT) as (tree, commit), tempfile.TemporaryDirectory() as tmp:
        runs = []
        for i in range(pairs):
            order = [("now", ROOT), ("before", tree)]
            if i % 2:
                order.reverse()
            pair: dict[str, Any] = {"order": [name for name, _ in order]}
            for name, where in order:
                log.info("sweep %s (pair %d)", name, i + 1)
                pair[name] = _child(where, Path(tmp) / f"{name}{i}.json", quick)
            runs.append(pair)
    now = [p["now"]["seconds"] for p in runs]
    before = [p["before"]["seconds"] for p in runs]
    singles = [p["now"]["singles_seconds"] for p in runs if p["now"]["singles_seconds"]]
    return {
        "rev": rev,
        "rev_commit": commit,
        "due": runs[0]["now"]["due"],
        "pairs": runs,
        "now_median": statistics.median(now),
        "before_median": statistics.median(before),
        "singles_median": statistics.median(singles) if singles else None,
        "ratio": statistics.median(a / b for a, b in zip(now, before, strict=True)),
        "ratio_singles": statistics.median(a / b for a, b in zip(singles, before, strict=True))
        if len(singles) == len(before)
        else None,
    }
