"""The sweep before/after a revision without running a sweep: the export outside the repository,
the turns and their ratios, and the report's target and table."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench import report, sweep_compare


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "bench@example.org")
    _git(root, "config", "user.name", "bench")
    (root / "app.py").write_text("before = True\n")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "before")
    (root / "app.py").write_text("after = True\n")
    _git(root, "commit", "-q", "-am", "after")
    return root


def test_the_revision_is_exported_outside_the_repo_and_removed_without_touching_git(repo):
    with sweep_compare.exported("HEAD~1", repo) as (tree, commit):
        assert (tree / "app.py").read_text() == "before = True\n"
        assert commit == _git(repo, "rev-parse", "HEAD~1").strip()
        assert not tree.resolve().is_relative_to(repo.resolve())
    assert not tree.exists()
    assert len(_git(repo, "worktree", "list").splitlines()) == 1
    assert (repo / "app.py").read_text() == "after = True\n"


def test_an_unknown_revision_is_refused(repo):
    with pytest.raises(RuntimeError, match="rev-parse"), sweep_compare.exported("nope", repo):
        pass


def test_the_trees_run_in_turns_and_the_ratios_are_medians_of_pairs(monkeypatch, repo):
    monkeypatch.setattr(sweep_compare, "ROOT", repo)
    calls: list[str] = []
    figures = {"now": [3.0, 2.8, 3.3], "before": [3.3, 3.2, 3.0]}

    def child(tree: Path, out: Path, quick: bool) -> dict:
        name = "now" if tree == repo else "before"
        calls.append(name)
        seconds = figures[name].pop(0)
        return {"seconds": seconds, "singles_seconds": seconds + 0.5, "due": 10}

    monkeypatch.setattr(sweep_compare, "_child", child)
    result = sweep_compare.run(rev="HEAD~1", quick=True, pairs=3)
    assert calls == ["now", "before", "before", "now", "now", "before"]
    assert (result["now_median"], result["before_median"]) == (3.0, 3.2)
    assert result["ratio"] == pytest.approx(3.0 / 3.3)
    assert result["ratio_singles"] == pytest.approx(3.5 / 3.3)


def _results(ratio: float, alone: float) -> dict:
    pair = {
        "order": ["now", "before"],
        "now": {"seconds": 3.0 * ratio, "singles_seconds": 3.0 * alone, "due": 10_000},
        "before": {"seconds": 3.0, "due": 10_000},
    }
    compare = {
        "rev": "6dbc767",
        "rev_commit": "6dbc767" + "0" * 33,
        "due": 10_000,
        "pairs": [pair],
        "now_median": 3.0 * ratio,
        "before_median": 3.0,
        "singles_median": 3.0 * alone,
        "ratio": ratio,
        "ratio_singles": alone,
    }
    return {"sections": {"sweep": {"compare": compare}}}


@pytest.mark.parametrize(
    ("ratio", "alone", "verdict"),
    [(0.9, 1.1, "✅ holds"), (0.9, 1.3, "❌ misses"), (1.25, 1.0, "❌ misses")],
)
def test_the_target_holds_only_when_both_figures_are_within_the_limit(ratio, alone, verdict):
    page = report.markdown(_results(ratio, alone), None)
    row = next(line for line in page.splitlines() if "within 1.2× of 6dbc767" in line)
    assert verdict in row
    assert "## Sweep before/after a revision" in page


def test_a_failed_comparison_is_reported_not_raised():
    results = {"sections": {"sweep": {"compare": {"rev": "x", "error": "RuntimeError: boom"}}}}
    page = report.markdown(results, None)
    assert "| sweep before/after a revision | not measured | RuntimeError: boom |" in page
