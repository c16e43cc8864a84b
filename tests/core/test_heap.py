"""Web processes freeze their start-up heap, so a full garbage collection does not walk it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import gc, wsgi\n"
    "print(gc.get_freeze_count())\n"
    "print(any(o is wsgi.app for o in gc.get_objects()))\n"
)


@pytest.mark.slow
def test_the_web_entry_point_leaves_the_app_out_of_the_collectors_reach(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'heap.db'}",
        "SECRET_KEY": "heap-test",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    frozen, app_tracked = int(out[-2]), out[-1]
    assert frozen > 50_000  # modules, the app, mappers and schemas: all of start-up
    assert app_tracked == "False"  # gc.get_objects() sees only what collections would walk
