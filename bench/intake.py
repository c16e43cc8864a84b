"""Intake under load: the bare-stack bound, Hotline's API and a signed SMS webhook, same load."""

from __future__ import annotations

import json
import logging
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from redis import Redis
from twilio.request_validator import RequestValidator

from bench import bare, load
from bench.stack import REDIS_URL, TWILIO_TOKEN, Stack

log = logging.getLogger("bench.intake")

PUBLIC_BASE_URL = "https://hotline.bench.example"
DESCRIPTION = (
    "小区南门外每天晚上十点以后有烧烤摊占道经营，油烟很大，噪音一直持续到凌晨两点，"
    "多次向物业反映无果，老人孩子无法休息，请有关部门尽快处理。"
)


def api_body() -> str:
    """The ticket both the bare app and Hotline receive (~500 bytes of JSON)."""
    body = {
        "channel": "api",
        "kind": "complaint",
        "category": "noise",
        "priority": "normal",
        "description": DESCRIPTION,
        "complainant": {
            "phone": "+8613812345678",
            "name": "张先生",
            "disclose_identity": False,
            "confidential": False,
        },
        "location": {"address": "幸福路88号幸福小区南门", "district": "东城区"},
    }
    return json.dumps(body, ensure_ascii=False)


def sms_bodies(count: int) -> list[str]:
    """`count` form bodies, each a new text with its own MessageSid and a valid signature."""
    validator = RequestValidator(TWILIO_TOKEN)
    url = PUBLIC_BASE_URL + "/twilio/sms"
    bodies = []
    for i in range(count):
        params = {
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "AccountSid": "AC" + "0" * 32,
            "From": f"+86139{i % 100_000_000:08d}",
            "To": "+8612345000000",
            "Body": DESCRIPTION[:70],
            "NumMedia": "0",
        }
        signature = validator.compute_signature(url, params)
        bodies.append(f"{urlencode(params)}\t{signature}")
    return bodies


# The peak of each endpoint is measured in short rounds taken in turn (bare, API, SMS, bare, …)
# with both servers up, so a burst of other work on the machine lands on all three alike and the
# ratios to the bound survive it.
ROUND_SECONDS = 2


@dataclass
class Target:
    name: str
    port: int
    path: str
    headers: dict[str, str]
    body: str = ""
    bodies: list[str] | None = None  # SMS: one signed message per request, never repeated

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def round_bodies(self, index: int, rounds: int) -> list[str] | None:
        if self.bodies is None:
            return None
        size = len(self.bodies) // rounds
        return self.bodies[index * size : (index + 1) * size]


def run(
    stack: Stack, *, seconds: int, connections: int, half_seconds: int, peer: bool = True
) -> dict[str, Any]:
    """Peak (wrk) for bare, API and SMS in interleaved rounds, then each at half its peak rate
    (paced client); then, Hotline stopped, the peer's public form at its peak in turns with the
    bare app (`peer_intake`)."""
    bare.create_table(stack.url)
    redis = Redis.from_url(REDIS_URL)
    body = api_body()
    bare_env = stack.env(
        BENCH_DATABASE_URL=stack.url, BENCH_REDIS_URL=REDIS_URL, BENCH_QUEUE=f"{stack.prefix}-bare"
    )
    bare_proc, bare_port = stack.gunicorn("bench.bare:create_app()", env=bare_env)
    hotline_env = stack.env(PUBLIC_BASE_URL=PUBLIC_BASE_URL, JOBS_ENABLED="1")
    hotline_proc, hotline_port = stack.gunicorn("bench.hotline_app:create()", env=hotline_env)
    json_headers = {"Content-Type": "application/json"}
    # Enough distinct messages that no MessageSid repeats at the peak rate (a repeat would hit
    # the cheap idempotent-retry path and flatter the figure).
    sms = sms_bodies(max(4000, 2500 * (seconds + 2)))
    targets = [
        Target("bare", bare_port, "/complaints", json_headers, body=body),
        Target(
            "api",
            hotline_port,
            "/api/v1/tickets",
            {**json_headers, "Authorization": f"Bearer {stack.token}"},
            body=body,
        ),
        Target("sms", hotline_port, "/twilio/sms", SMS_HEADERS, bodies=sms[1500:]),
    ]
    try:
        # a short warm-up so every gunicorn worker has imported, connected and cached
        for target in targets:
            warm = sms[:1500] if target.bodies is not None else None
            load.wrk(
                target.url,
                headers=target.headers,
                body=target.body,
                bodies=warm,
                seconds=2,
                connections=connections,
            )
        peaks = _interleaved_peaks(targets, seconds=seconds, connections=connections)
        time.sleep(1)
        halves = _interleaved_halves(targets, peaks, half_seconds=half_seconds)
        result: dict[str, Any] = {
            t.name: {"peak": peaks[t.name], "half": halves[t.name]} for t in targets
        }
        if peer:
            # after Hotline's rounds, with Hotline stopped: the peer's install, migrations and
            # server never run beside Hotline's measurement
            stack.stop(hotline_proc)
            result["peer"] = peer_intake(
                stack, targets[0], seconds=seconds, connections=connections
            )
        return result
    finally:
        stack.stop(bare_proc)
        stack.stop(hotline_proc)
        _empty_queue(redis, f"{stack.prefix}-bare")


def _interleaved_peaks(
    targets: list[Target], *, seconds: int, connections: int, alternate: bool = False
) -> dict[str, dict[str, Any]]:
    """Each target's peak over `seconds` of load, in rounds of ROUND_SECONDS, targets in turn
    (`alternate`: every other round in reverse order, so no target always follows another)."""
    rounds = max(1, seconds // ROUND_SECONDS)
    runs: dict[str, list[load.LoadResult]] = {t.name: [] for t in targets}
    for index in range(rounds):
        for target in round_order(targets, index, alternate=alternate):
            runs[target.name].append(
                load.wrk(
                    target.url,
                    headers=target.headers,
                    body=target.body,
                    bodies=target.round_bodies(index, rounds),
                    seconds=ROUND_SECONDS,
                    connections=connections,
                )
            )
    peaks = {}
    for name, results in runs.items():
        requests = sum(r.requests for r in results)
        elapsed = sum(r.seconds for r in results)
        peaks[name] = {
            **load.LoadResult(
                "wrk",
                requests,
                elapsed,
                requests / elapsed,
                # percentiles cannot be merged: the median round's p50, the worst round's p99
                statistics.median(r.p50_ms for r in results),
                max(r.p99_ms for r in results),
                sum(r.errors for r in results),
            ).as_dict(),
            "rounds_rps": [round(r.rps, 1) for r in results],
        }
        target = next(t for t in targets if t.name == name)
        if target.bodies is not None and requests > len(target.bodies):
            log.warning(
                "%s peak sent %s requests for %s distinct bodies",
                name,
                requests,
                len(target.bodies),
            )
    return peaks


def round_order(targets: list[Target], index: int, *, alternate: bool) -> list[Target]:
    return list(reversed(targets)) if alternate and index % 2 else list(targets)


# The peer's descriptions: the API's and the SMS's (70 characters), in turn.
PEER_DESCRIPTIONS = [DESCRIPTION, DESCRIPTION[:70]]
PEER_WARM_BODIES = 500


def peer_intake(
    stack: Stack, bare_target: Target, *, seconds: int, connections: int
) -> dict[str, Any]:
    """django-helpdesk's public "submit a ticket" form at its peak: the same wrk, connections
    and rounds as Hotline's, in turns with the bare app (so the peer has a ratio to the bound
    measured beside it), the CSRF cookie and token fetched from the form page first. Its tickets
    are counted in its database afterwards: an answer without a row counts as an error."""
    from bench import peer

    started = time.perf_counter()
    try:
        with peer.intake_site(stack) as site:
            setup_seconds = time.perf_counter() - started
            bodies = site.form.bodies(
                PEER_DESCRIPTIONS, PEER_WARM_BODIES + 500 * (seconds + 2), tag=stack.tag
            )
            target = Target(
                "peer",
                site.port,
                peer.SUBMIT_PATH,
                site.form.headers(),
                bodies=bodies[PEER_WARM_BODIES:],
            )
            for warm in (bare_target, target):
                load.wrk(
                    warm.url,
                    headers=warm.headers,
                    body=warm.body,
                    bodies=bodies[:PEER_WARM_BODIES] if warm is target else None,
                    seconds=2,
                    connections=connections,
                )
            time.sleep(1)  # the warm-up's last requests commit before the count
            before = site.tickets()
            peaks = _interleaved_peaks(
                [bare_target, target], seconds=seconds, connections=connections
            )
            time.sleep(2)  # requests still in flight when wrk stopped finish and commit
            created = site.tickets() - before
            versions = site.versions
    except peer.PeerSetupError as exc:
        return {"ok": False, "reason": str(exc)}
    except Exception as exc:  # Hotline's figures stand whatever the peer does
        log.exception("peer intake failed")
        return {"ok": False, "reason": f"{type(exc).__name__}: {exc}"}
    answered = peaks["peer"]["requests"] - peaks["peer"]["errors"]
    unconfirmed = max(0, answered - created)
    return {
        "ok": True,
        "peak": peaks["peer"],
        "bare": peaks["bare"],
        "ratio_to_bound": peaks["peer"]["rps"] / peaks["bare"]["rps"],
        "answered": answered,
        "rows_created": created,
        "unconfirmed": unconfirmed,
        "errors_total": peaks["peer"]["errors"] + unconfirmed,
        "description_bytes": [len(d.encode()) for d in PEER_DESCRIPTIONS],
        "setup_seconds": round(setup_seconds, 1),
        **versions,
    }


def _interleaved_halves(
    targets: list[Target], peaks: dict[str, dict[str, Any]], *, half_seconds: int
) -> dict[str, dict[str, Any]]:
    """Each target at half its peak rate for `half_seconds`, in rounds of ROUND_SECONDS taken in
    turn like the peaks; p50 and p99 over all of a target's requests.

    This machine's speed drifts by a third within seconds (the bare app's own rate moved from
    1,093 to 843 req/s between two 5-second runs), so one target measured alone could meet a
    slow spell at "half" its peak and queue. In turns, every target meets the same spells.
    """
    rounds = max(1, half_seconds // ROUND_SECONDS)
    runs: dict[str, list[load.PacedRun]] = {t.name: [] for t in targets}
    rates = {t.name: peaks[t.name]["rps"] / 2 for t in targets}
    senders = {t.name: _half_sender(t, rates[t.name], half_seconds) for t in targets}
    for index in range(rounds):
        for target in targets:
            rate = rates[target.name]
            offset = index * int(rate * ROUND_SECONDS)
            runs[target.name].append(
                load.paced_run(
                    "127.0.0.1",
                    target.port,
                    lambda i, send=senders[target.name], offset=offset: send(offset + i),
                    rate=rate,
                    seconds=ROUND_SECONDS,
                )
            )
    return {
        name: {
            **load.PacedRun.pooled(results).as_dict(),
            "rounds_p99_ms": [round(load.PacedRun.pooled([r]).p99_ms, 1) for r in results],
        }
        for name, results in runs.items()
    }


def _half_sender(target: Target, rate: float, half_seconds: int) -> Callable[[int], bytes]:
    """Request i of a target's half-peak rounds (SMS: each a new, signed message)."""
    if target.bodies is None:
        raw = load.http_request(target.path, target.body.encode(), target.headers)
        return lambda i: raw
    fresh = sms_bodies(int(rate * half_seconds) + 10)

    def request(i: int) -> bytes:
        form, signature = fresh[i].split("\t")
        return load.http_request(
            target.path, form.encode(), {**target.headers, "X-Twilio-Signature": signature}
        )

    return request


def _empty_queue(redis: Redis, name: str) -> None:
    from rq import Queue

    Queue(name, connection=redis).empty()


SMS_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
