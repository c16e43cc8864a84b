"""Intake under load: the bare-stack bound, Hotline's API and a signed SMS webhook, same load."""

from __future__ import annotations

import json
import logging
import time
import uuid
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


def run(stack: Stack, *, seconds: int, connections: int, half_seconds: int) -> dict[str, Any]:
    """Peak (wrk) for bare, API and SMS, then each at half its peak rate (paced client)."""
    bare.create_table(stack.url)
    results: dict[str, Any] = {}
    body = api_body()
    redis = Redis.from_url(REDIS_URL)

    # 1. the bound
    env = stack.env(
        BENCH_DATABASE_URL=stack.url, BENCH_REDIS_URL=REDIS_URL, BENCH_QUEUE=f"{stack.prefix}-bare"
    )
    proc, port = stack.gunicorn("bench.bare:create_app()", env=env)
    try:
        headers = {"Content-Type": "application/json"}
        results["bare"] = _measure(
            port, "/complaints", headers, body, seconds, connections, half_seconds
        )
    finally:
        stack.stop(proc)
        _empty_queue(redis, f"{stack.prefix}-bare")

    # 2. Hotline: API and SMS on the same server settings
    env = stack.env(PUBLIC_BASE_URL=PUBLIC_BASE_URL, JOBS_ENABLED="1")
    proc, port = stack.gunicorn("bench.hotline_app:create()", env=env)
    try:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {stack.token}"}
        results["api"] = _measure(
            port, "/api/v1/tickets", headers, body, seconds, connections, half_seconds
        )
        results["sms"] = _measure_sms(port, seconds, connections, half_seconds)
    finally:
        stack.stop(proc)
    return results


def _empty_queue(redis: Redis, name: str) -> None:
    from rq import Queue

    Queue(name, connection=redis).empty()


def _measure(
    port: int,
    path: str,
    headers: dict[str, str],
    body: str,
    seconds: int,
    connections: int,
    half_seconds: int,
) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}{path}"
    # a short warm-up so every gunicorn worker has imported, connected and cached
    load.wrk(url, headers=headers, body=body, seconds=2, connections=connections)
    peak = load.wrk(url, headers=headers, body=body, seconds=seconds, connections=connections)
    raw = load.http_request(path, body.encode(), headers)
    time.sleep(1)
    half = load.paced("127.0.0.1", port, lambda i: raw, rate=peak.rps / 2, seconds=half_seconds)
    return {"peak": peak.as_dict(), "half": half.as_dict()}


def _measure_sms(port: int, seconds: int, connections: int, half_seconds: int) -> dict[str, Any]:
    path = "/twilio/sms"
    url = f"http://127.0.0.1:{port}{path}"
    # Enough distinct messages that no MessageSid repeats at the peak rate (a repeat would hit
    # the cheap idempotent-retry path and flatter the figure).
    lines = sms_bodies(max(4000, 2500 * (seconds + 2)))
    warm, main = lines[:1500], lines[1500:]
    load.wrk(url, headers=SMS_HEADERS, bodies=warm, seconds=2, connections=connections)
    peak = load.wrk(url, headers=SMS_HEADERS, bodies=main, seconds=seconds, connections=connections)
    if peak.requests > len(main):
        log.warning("sms peak sent %s requests for %s distinct bodies", peak.requests, len(main))
    fresh = sms_bodies(int(peak.rps / 2 * half_seconds) + 10)

    def request(i: int) -> bytes:
        form, signature = fresh[i].split("\t")
        return load.http_request(
            path, form.encode(), {**SMS_HEADERS, "X-Twilio-Signature": signature}
        )

    time.sleep(1)
    half = load.paced("127.0.0.1", port, request, rate=peak.rps / 2, seconds=half_seconds)
    return {"peak": peak.as_dict(), "half": half.as_dict()}


SMS_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
