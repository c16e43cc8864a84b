"""The hot-spot section of the bench report: its target row and its table."""

from __future__ import annotations

from bench.report_format import dig, num, ratio_of

LIMIT_MS = 500.0
ROWS = (
    ("compute", "the grid, all districts and categories (17 weeks read)"),
    ("page_work", "the page's work: the grid + top streets/addresses of 10 series"),
    ("one_district", "the grid, one district"),
    ("cell", "one cell's drill-down (tickets and places)"),
)


def hotspot_targets(s: dict) -> list[tuple[str, str, str, bool | None]]:
    ms = dig(s, "hotspots", "page_work", "p95_ms")
    return [
        (
            "hot spots (the page's queries) over 1 M tickets < 500 ms",
            f"{num(ms)} ms p95",
            f"{ms / LIMIT_MS:.2f}× the limit" if isinstance(ms, float) else "—",
            None if ms is None else ms < LIMIT_MS,
        )
    ]


def section_hotspots(s: dict) -> list[str]:
    h = s.get("hotspots")
    if not h or h.get("error"):
        return []
    out = [
        "",
        "## Hot spots",
        "",
        f"`bench/hotspots.py`: {num(h.get('tickets'))} tickets with districts, "
        f"{num(h.get('tickets_in_window'))} of them in the {num(h.get('weeks_read'))} weeks the "
        f"default view reads; {num(h.get('series'))} district × category series, "
        f"{num(h.get('spikes'))} spiking (a planted one on top: {h.get('top')}).",
        "",
        "| query (`hotline.metrics.hotspots`) | median ms | p95 ms | max ms | ratio to 500 ms |",
        "|---|---|---|---|---|",
    ]
    for key, label in ROWS:
        x = h.get(key) or {}
        out.append(
            f"| {label} | {num(x.get('median_ms'))} | {num(x.get('p95_ms'))} | "
            f"{num(x.get('max_ms'))} | {num(ratio_of(x.get('p95_ms'), LIMIT_MS), 2)} |"
        )
    if h.get("plan"):
        out += ["", "Plan of the grid query: " + " → ".join(f"`{p}`" for p in h["plan"])]
    return out
