"""The intake harness's new parts without any load: the peer form's CSRF token and queue taken
from its page, its request bodies, the A/B ordering and ratios, the compare option's temporary
worktree and section selection, and the report's peer and before/after rows."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from bench import compare, intake, peer, report
from bench.run import sections_to_run

# What django-helpdesk's public form page carries (abridged from a real GET of
# /helpdesk/tickets/submit/ under django-helpdesk 2.6.1)
FORM_PAGE = """
<form role="form" method='post' enctype='multipart/form-data'>
  <input type="hidden" name="csrfmiddlewaretoken" value="Fu&amp;aX2Lr8hKj45k9">
  <select name="queue" class="form-control" required id="id_queue">
    <option value="" selected>--------</option>
    <option value="7">Bench</option>
    <option value="12">Public</option>
  </select>
  <input type="text" name="title" class="form-control" required id="id_title">
</form>
"""
SET_COOKIES = [
    "csrftoken=bUzTVy3NK1f67SDl; expires=Wed, 01 Dec 2027 19:00:00 GMT; Max-Age=31449600; "
    "Path=/; SameSite=Lax",
    "sessionid=abc; HttpOnly; Path=/",
]


def test_the_peer_form_yields_the_csrf_cookie_and_the_hidden_token_as_a_browser_reads_them():
    cookie, token = peer.csrf_from_page(SET_COOKIES, FORM_PAGE)
    assert cookie == "bUzTVy3NK1f67SDl"
    assert token == "Fu&aX2Lr8hKj45k9"  # HTML-unescaped, as a browser submits it
    assert peer.option_value(FORM_PAGE, "queue", "Public") == "12"


def test_a_form_page_without_a_token_or_the_public_queue_is_a_setup_error_not_a_figure():
    with pytest.raises(peer.PeerSetupError, match="csrftoken cookie"):
        peer.csrf_from_page(["sessionid=abc; Path=/"], FORM_PAGE)
    with pytest.raises(peer.PeerSetupError, match="csrfmiddlewaretoken"):
        peer.csrf_from_page(SET_COOKIES, "<form><input name='title'></form>")
    with pytest.raises(peer.PeerSetupError, match="Public"):
        peer.option_value(FORM_PAGE.replace("Public", "Staff"), "queue", "Public")


def test_peer_submissions_carry_the_token_and_cookie_and_the_intake_description_sizes():
    form = peer.Form(cookie="c00kie", token="t0ken", queue="12")
    bodies = form.bodies(intake.PEER_DESCRIPTIONS, 4, tag="x")
    fields = [{k: v[0] for k, v in parse_qs(b).items()} for b in bodies]
    assert {f["csrfmiddlewaretoken"] for f in fields} == {"t0ken"}
    assert {f["queue"] for f in fields} == {"12"}
    assert [f["body"] for f in fields] == [intake.DESCRIPTION, intake.DESCRIPTION[:70]] * 2
    assert len({f["title"] for f in fields}) == len({f["submitter_email"] for f in fields}) == 4
    assert all("\t" not in b and "\n" not in b for b in bodies)  # one wrk body per line
    assert form.headers()["Cookie"] == "csrftoken=c00kie"


def test_ab_rounds_alternate_so_no_target_always_follows_another():
    targets = [intake.Target(n, 1, "/", {}) for n in ("api", "api@rev", "sms", "sms@rev")]
    names = [[t.name for t in intake.round_order(targets, i, alternate=True)] for i in range(2)]
    assert names == [["api", "api@rev", "sms", "sms@rev"], ["sms@rev", "sms", "api@rev", "api"]]
    assert intake.round_order(targets, 1, alternate=False) == targets


def test_compare_pairs_rates_and_per_round_ratios():
    now = {"rps": 600.0, "rounds_rps": [500.0, 700.0]}
    before = {"rps": 500.0, "rounds_rps": [500.0, 500.0]}
    out = compare.pair(now, before)
    assert out["ratio"] == pytest.approx(1.2)
    assert out["rounds_ratio"] == [1.0, 1.4]
    assert out["median_round_ratio"] == pytest.approx(1.2)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two commits: migrations unchanged between them, app.py changed."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "bench@example.org")
    _git(root, "config", "user.name", "bench")
    (root / "migrations").mkdir()
    (root / "migrations" / "0001.py").write_text("schema = 1\n")
    (root / "app.py").write_text("before = True\n")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "before")
    (root / "app.py").write_text("after = True\n")
    _git(root, "commit", "-q", "-am", "after")
    return root


def test_compare_checks_the_revision_out_outside_the_repo_and_removes_it(repo: Path) -> None:
    with compare.worktree("HEAD~1", repo) as (tree, commit):
        assert (tree / "app.py").read_text() == "before = True\n"
        assert commit == _git(repo, "rev-parse", "HEAD~1").strip()
        assert not tree.resolve().is_relative_to(repo.resolve())
        assert str(tree) in _git(repo, "worktree", "list")
    assert not tree.exists()
    assert not tree.parent.exists()
    assert len(_git(repo, "worktree", "list").splitlines()) == 1
    assert (repo / "app.py").read_text() == "after = True\n"  # the current tree untouched


def test_compare_removes_its_worktree_when_the_measurement_fails(repo: Path) -> None:
    made: list[Path] = []

    def serve_and_fail() -> None:
        with compare.worktree("HEAD~1", repo) as (tree, _):
            made.append(tree)
            raise RuntimeError("gunicorn did not start")

    with pytest.raises(RuntimeError, match="gunicorn"):
        serve_and_fail()
    tree = made[0]
    assert not tree.exists()
    assert len(_git(repo, "worktree", "list").splitlines()) == 1


def test_compare_refuses_an_unknown_revision_before_making_anything(repo: Path) -> None:
    with pytest.raises(RuntimeError, match="rev-parse"), compare.worktree("no-such-rev", repo):
        pass
    assert len(_git(repo, "worktree", "list").splitlines()) == 1


def test_compare_serves_one_database_only_when_migrations_were_only_added(repo: Path) -> None:
    first = _git(repo, "rev-parse", "HEAD~1").strip()
    assert compare.same_migrations(first, repo)
    (repo / "migrations" / "0002.py").write_text("schema = 2\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "a new migration")
    assert compare.same_migrations(first, repo)  # an added migration: the old code still runs
    changed = next(p for p in (repo / "migrations").iterdir() if p.name != "0002.py")
    changed.write_text(changed.read_text() + "\n# changed\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "an old migration changed")
    assert not compare.same_migrations(first, repo)


def test_the_compare_section_runs_only_with_a_revision():
    everything = ["intake", "compare", "routing"]
    assert sections_to_run(everything, None, explicit=False) == ["intake", "routing"]
    assert sections_to_run(["intake"], "2a5ffb3", explicit=True) == ["intake", "compare"]
    assert sections_to_run(["intake", "compare"], None, explicit=True) is None


def test_report_shows_the_peer_form_beside_hotline_and_intake_before_and_after():
    peak = {"rps": 30.0, "p50_ms": 500.0, "p99_ms": 900.0, "errors": 0, "rounds_rps": [30.0]}
    results = {
        "sections": {
            "intake": {
                "bare": {"peak": {"rps": 800.0}},
                "api": {"peak": {"rps": 640.0}},
                "sms": {"peak": {"rps": 660.0}},
                "peer": {
                    "ok": True,
                    "peak": peak,
                    "bare": {"rps": 750.0, "rounds_rps": [750.0]},
                    "ratio_to_bound": 0.04,
                    "answered": 60,
                    "rows_created": 61,
                    "unconfirmed": 0,
                    "errors_total": 0,
                    "description_bytes": [270, 210],
                    "django-helpdesk": "2.6.1",
                },
            },
            "compare": {
                "rev": "2a5ffb3",
                "rev_commit": "2a5ffb3" + "0" * 33,
                "api": compare.pair(
                    {"rps": 600.0, "rounds_rps": [600.0]}, {"rps": 500.0, "rounds_rps": [500.0]}
                ),
                "sms": compare.pair(
                    {"rps": 650.0, "rounds_rps": [650.0]}, {"rps": 650.0, "rounds_rps": [650.0]}
                ),
            },
        }
    }
    text = report.markdown(results)
    assert "django-helpdesk public ticket form vs Hotline POST /api/v1/tickets" in text
    assert "61 tickets created" in text
    assert "Hotline API / peer = 21.3" in text
    assert "## Intake before/after a revision" in text
    assert "API 1.20×; SMS 1.00×" in text
