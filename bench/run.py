"""`make bench`: every benchmark in one run on PostgreSQL + Redis, written to
docs/PERFORMANCE.md and bench/results/latest.json.

    python -m bench.run               # the full run (about 15 minutes on 2 cores)
    python -m bench.run --quick       # small sizes, to check the harness
    python -m bench.run --only intake,sweep
    python -m bench.run --only intake --compare 2a5ffb3   # intake A/B against a revision
    python -m bench.run --only embedded --compare e0c9217 # make run's SQLite default, A/B
    python -m bench.run --only sweep --compare 6dbc767    # the due-ticket sweep, in turns
    python -m bench.run --only public                     # the public site from its cache
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.stack import ROOT, Stack, machine

log = logging.getLogger("bench")

# peer before figures: the memory worker starts with the figures and must not overlap the peer
# compare runs only with --compare REV (bench/compare.py); otherwise its last figures carry over.
# embedded serves `make run`'s SQLite default from temporary copies (bench/embedded.py), REV's
# too with --compare. public comes before figures, so the memory worker never runs beside it.
SECTIONS = (
    "intake",
    "compare",
    "embedded",
    "routing",
    "classify",
    "sweep",
    "peer",
    "public",
    "desk",
    "search",
    "figures",
    "hotspots",
    "memory",
)

FULL = {
    # peak load per endpoint, in 2-second rounds taken in turn (bench/intake.py)
    "seconds": 20,
    "half_seconds": 10,
    "connections": 16,
    "routing_tickets": 5000,
    "classify_tickets": 5000,
    "classify_per_category": 300,
    "noop_jobs": 3000,
    "scale_tickets": 1_000_000,
    "small_tickets": 10_000,
    "due_tickets": 10_000,
    "memory_jobs": 100_000,
    "peer_tickets": 100_000,
    # django-helpdesk escalates ~20 tickets/s (a save, a follow-up and mails each): 2,000 due
    # tickets of the 100,000 keep the peer run to minutes; Hotline gets the same 2,000.
    "peer_due": 2_000,
    # a year of a busy line: ~2,700 calls a day
    "desk_calls": 1_000_000,
}
QUICK = {
    "seconds": 3,
    "half_seconds": 3,
    "connections": 8,
    "routing_tickets": 300,
    "classify_tickets": 300,
    "classify_per_category": 60,
    "noop_jobs": 300,
    "scale_tickets": 20_000,
    "small_tickets": 2_000,
    "due_tickets": 500,
    "memory_jobs": 2_000,
    "peer_tickets": 2_000,
    "peer_due": 200,
    "desk_calls": 20_000,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (harness check)")
    parser.add_argument("--only", default=None, help="comma-separated sections (default all)")
    parser.add_argument("--out", default=None, help="results JSON (default latest.json)")
    parser.add_argument("--doc", default=None, help="Markdown table (default PERFORMANCE.md)")
    parser.add_argument(
        "--compare",
        metavar="REV",
        default=None,
        help="also measure intake (and the embedded default) A/B against REV, checked out in a "
        "temporary git worktree, and the sweep's due-ticket figure against REV in turns",
    )
    args = parser.parse_args(argv)
    # a quick run never overwrites the real figures unless asked to
    results_dir = ROOT / "bench" / "results"
    args.out = args.out or str(results_dir / ("quick.json" if args.quick else "latest.json"))
    args.doc = args.doc or str(
        results_dir / "quick.md" if args.quick else ROOT / "docs" / "PERFORMANCE.md"
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Alembic's logging config (run by the migrations) sets the root logger to WARNING; the
    # bench's own progress lines stay visible.
    logging.getLogger("bench").setLevel(logging.INFO)
    sizes = QUICK if args.quick else FULL
    only = [s for s in (args.only or ",".join(SECTIONS)).split(",") if s]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    only = sections_to_run(only, args.compare, explicit=args.only is not None)
    if only is None:
        parser.error("the compare section needs --compare REV")

    command = "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command.strip(),
        "quick": args.quick,
        "sizes": sizes,
        "sections": {},
    }
    stack = Stack()
    try:
        stack.create()
        stack.seed()
        results["machine"] = machine(stack.url)
        # 100,000 jobs take RQ 10-20 minutes whatever the job does, so the memory worker runs
        # alongside the figures (noted in the table). Not alongside the sweep or the peer: the
        # nothing-due sweep at 1 M measured 7.0 ms in a run with the worker beside it and 2.3 ms
        # in one without, and the worker would slow django-helpdesk's run but not Hotline's
        # (timed in the sweep).
        memory_run = None
        background = [n for n in only if n in BACKGROUND_WITH]
        for name in [n for n in SECTIONS if n in only and n != "memory"]:
            if "memory" in only and memory_run is None and name in background:
                memory_run = _start_memory(stack, sizes, results, concurrent=background)
            _timed(name, stack, sizes, results, rev=args.compare)
        if "memory" in only:
            if memory_run is None:
                memory_run = _start_memory(stack, sizes, results, concurrent=[])
            _timed("memory", stack, sizes, results, memory_run=memory_run)
    finally:
        stack.drop()
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = None
    if out.exists():  # keep the run before, so the table shows the noise between two runs
        previous_path = out.with_name("previous.json")
        out.replace(previous_path)
        previous = json.loads(previous_path.read_text())
    _carry(results, previous, only)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    Path(args.doc).write_text(report.markdown(results, previous))
    log.info("wrote %s and %s", out, args.doc)
    return 0


BACKGROUND_WITH = ("figures",)


def sections_to_run(only: list[str], compare: str | None, *, explicit: bool) -> list[str] | None:
    """The sections to run: compare (intake A/B) joins intake when --compare is given and is left
    out (its figures carried over) when not; None when it was asked for by name without a
    revision. The embedded section takes the revision itself."""
    if compare:
        return only if "compare" in only or "intake" not in only else [*only, "compare"]
    if "compare" in only and explicit:
        return None
    return [name for name in only if name != "compare"]


def _carry(results: dict, previous: dict | None, only: list[str]) -> None:
    """Sections not run this time keep the previous run's figures, marked as carried over."""
    if not previous or bool(previous.get("quick")) != bool(results.get("quick")):
        return
    for name in SECTIONS:
        old = (previous.get("sections") or {}).get(name)
        if name in only or not old or old.get("error"):
            continue
        results["sections"][name] = {
            **old,
            "carried_from": old.get("carried_from") or previous.get("started_at"),
        }


def _start_memory(stack: Stack, sizes: dict[str, int], results: dict, *, concurrent: list):
    from bench import memory

    log.info("== memory (started; runs alongside %s)", ", ".join(concurrent) or "nothing")
    results["memory_concurrent_with"] = concurrent
    try:
        return memory.start(stack, jobs=sizes["memory_jobs"])
    except Exception as exc:  # noqa: BLE001
        return exc


def _timed(name: str, stack: Stack, sizes: dict[str, int], results: dict, **extra: Any) -> None:
    started = time.perf_counter()
    log.info("== %s", name)
    try:
        if name == "memory":
            from bench import memory

            handle = extra["memory_run"]
            if isinstance(handle, Exception):
                raise handle
            out = memory.finish(handle)
            out["concurrent_with"] = results.get("memory_concurrent_with", [])
        else:
            out = run_section(name, stack, sizes, results["sections"], rev=extra.get("rev"))
    except Exception as exc:
        log.exception("section %s failed", name)
        out = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()[-2000:]}
    out["section_seconds"] = round(time.perf_counter() - started, 1)
    results["sections"][name] = out


def run_section(
    name: str, stack: Stack, sizes: dict[str, int], done: dict[str, Any], rev: str | None = None
) -> dict[str, Any]:
    if name == "intake":
        from bench import intake

        return intake.run(
            stack,
            seconds=sizes["seconds"],
            connections=sizes["connections"],
            half_seconds=sizes["half_seconds"],
        )
    if name == "compare":
        from bench import compare

        return compare.run(
            stack, rev=rev, seconds=sizes["seconds"], connections=sizes["connections"]
        )
    if name == "embedded":
        from bench import embedded

        return embedded.run(rev=rev, seconds=sizes["seconds"])
    if name == "routing":
        from bench import routing

        return routing.run(stack, tickets=sizes["routing_tickets"], noop_jobs=sizes["noop_jobs"])
    if name == "classify":
        from bench import classify

        return classify.run(
            stack,
            tickets_n=sizes["classify_tickets"],
            per_category=sizes["classify_per_category"],
        )
    if name == "sweep":
        from bench import scale

        out = scale.run(
            stack,
            big=sizes["scale_tickets"],
            small=sizes["small_tickets"],
            due=sizes["due_tickets"],
            peer_size=sizes["peer_tickets"],
            peer_due=sizes["peer_due"],
        )
        if rev:
            out["compare"] = _sweep_compare(rev, quick=sizes is QUICK)
        return out
    if name == "public":
        from bench import public

        return public.run(stack, seconds=sizes["half_seconds"], connections=sizes["connections"])
    if name == "desk":
        from bench import desk

        return desk.run(stack, calls=sizes["desk_calls"])
    if name == "search":
        from bench import search

        return search.run(stack, tickets_n=sizes["scale_tickets"])
    if name == "figures":
        from bench import figures

        return figures.run(stack, tickets_n=sizes["scale_tickets"])
    if name == "hotspots":
        from bench import hotspots

        return hotspots.run(stack, tickets_n=sizes["scale_tickets"])
    if name == "peer":
        from bench import scale

        hotline = done.get("sweep", {}).get("peer_hotline")
        return scale.peer(
            stack, tickets_n=sizes["peer_tickets"], due=sizes["peer_due"], hotline=hotline
        )
    raise ValueError(name)


def _sweep_compare(rev: str, *, quick: bool) -> dict[str, Any]:
    """The sweep's figure now and at REV, in turns (bench/sweep_compare.py)."""
    from bench import sweep_compare

    try:
        return sweep_compare.run(rev=rev, quick=quick)
    except Exception as exc:  # the section's own figures still stand
        log.exception("sweep compare against %s failed", rev)
        return {"rev": rev, "error": f"{type(exc).__name__}: {exc}"}


if __name__ == "__main__":
    sys.exit(main())
