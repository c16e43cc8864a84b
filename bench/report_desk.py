"""The operator's-desk section of docs/PERFORMANCE.md (bench/desk.py)."""

from __future__ import annotations

from bench.report_format import num

SPANS = (("day", "today"), ("month", "last full month"), ("year", "last 365 days"))


def section_desk(s: dict) -> list[str]:
    d = s.get("desk")
    if not d or d.get("error"):
        return []
    out = [
        "",
        "## Operator's desk",
        "",
        f"`bench/desk.py`: {num(d.get('calls'))} inbound calls over a year (`call_records`, "
        f"written set-based in {num(d.get('write_s'), 1)} s: 70 % answered by one of 20 "
        "operators, 18 % abandoned, 8 % timed out, 4 % out of hours), then the hotline service "
        "figures (`GET /api/v1/metrics/hotline`'s query, `hotline/metrics/phone.py`) and what "
        "each 5-second poll of the queue board reads, in process, median and max of 5 after a "
        "warm-up.",
        "",
        "| figures over | calls offered | answer rate | median ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for key, label in SPANS:
        x = d.get(key) or {}
        out.append(
            f"| {label} | {num(x.get('calls_offered'))} | {num(x.get('answer_rate'), 3)} | "
            f"{num(x.get('median_ms'), 1)} | {num(x.get('max_ms'), 1)} |"
        )
    board = d.get("board_live") or {}
    out.append(
        f"| queue board poll (waiting, operators, today) | | | {num(board.get('median_ms'), 1)} "
        f"| {num(board.get('max_ms'), 1)} |"
    )
    return out
