"""scikit-learn (with numpy and scipy, ~100 MB) loads in a process only when it classifies or
trains, not in every web and RQ worker at start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_building_the_app_does_not_load_scikit_learn() -> None:
    code = (
        "import sys, config; from hotline import create_app; "
        "cfg = config.load(); cfg.SQLALCHEMY_DATABASE_URI = 'sqlite://'; create_app(cfg); "
        "import hotline.tickets.classification; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sklearn', 'joblib'}))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
