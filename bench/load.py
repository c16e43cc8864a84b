"""Load generators: Debian's `wrk` for peak rate, a paced asyncio client for a fixed rate.

Both talk HTTP/1.1 to 127.0.0.1 only. wrk runs closed-loop (as fast as the server answers); the
paced client is open-loop: request i is due at start + i/rate and its latency is measured from
that instant, so a stalled server cannot hide its queueing (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import gc
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

WRK_TIMEOUT_SLACK = 30

# Each wrk thread walks its own slice of the bodies file (one request body per line, so each
# SMS carries a unique MessageSid and its own signature), or repeats a single body.
WRK_SCRIPT = r"""
local bodies = {}
local idx, step = 0, 1
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  for k, v in pairs(HEADERS) do wrk.headers[k] = v end
  if BODIES_FILE ~= "" then
    for line in io.lines(BODIES_FILE) do table.insert(bodies, line) end
  end
  idx = tid - 1
  step = NTHREADS
end

function request()
  if #bodies == 0 then
    return wrk.format(nil, nil, nil, BODY)
  end
  local line = bodies[(idx % #bodies) + 1]
  idx = idx + step
  -- "body<TAB>signature": the signature goes in X-Twilio-Signature
  local tab = string.find(line, "\t", 1, true)
  if not tab then
    return wrk.format(nil, nil, nil, line)
  end
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["X-Twilio-Signature"] = string.sub(line, tab + 1)
  return wrk.format(nil, nil, headers, string.sub(line, 1, tab - 1))
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "non2xx": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, non2xx, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


@dataclass
class LoadResult:
    generator: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    target_rps: float | None = None
    max_ms: float | None = None  # wrk only: the slowest request

    def as_dict(self) -> dict:
        return asdict(self)


def ensure_wrk() -> str:
    """Path of `wrk`, installed from Debian if missing."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True, timeout=300
    )
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and `apt-get install -y wrk` failed")
    return found


def _lua_str(value: str) -> str:
    """A Lua long-bracket literal (no escapes to get wrong; UTF-8 passes through)."""
    level = 1
    while f"]{'=' * level}]" in value:
        level += 1
    return f"[{'=' * level}[{value}]{'=' * level}]"


def run_wrk(
    url: str,
    script: str,
    *,
    files: dict[str, list[str] | None],
    seconds: int,
    connections: int,
    threads: int,
) -> dict[str, int]:
    """wrk under the Lua `script` for `seconds`; the figures its `done` wrote as WRKJSON.

    Each of `files` (a Lua global's name -> lines) is written to a temporary file and the global
    set to its path ("" for None), and NTHREADS to `threads`, ahead of the script.
    """
    binary = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="hotline-wrk-") as tmp:
        prelude = ""
        for name, lines in files.items():
            path = ""
            if lines is not None:
                path = str(Path(tmp) / f"{name.lower()}.txt")
                Path(path).write_text("\n".join(lines) + "\n")
            prelude += f"{name} = {_lua_str(path)}\n"
        script_file = Path(tmp) / "script.lua"
        script_file.write_text(prelude + f"NTHREADS = {threads}\n" + script)
        proc = subprocess.run(
            [
                binary,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                str(script_file),
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + WRK_TIMEOUT_SLACK,
            check=False,
        )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {proc.stdout[-500:]} {proc.stderr[-500:]}")
    return json.loads(line.removeprefix("WRKJSON "))


def wrk(
    url: str,
    *,
    headers: dict[str, str],
    body: str = "",
    bodies: list[str] | None = None,
    seconds: int = 10,
    connections: int = 16,
    threads: int = 2,
) -> LoadResult:
    """Closed-loop peak: `connections` keep-alive connections for `seconds`."""
    header_lua = ", ".join(f"[ {_lua_str(k)} ] = {_lua_str(v)}" for k, v in headers.items())
    data = run_wrk(
        url,
        f"HEADERS = {{{header_lua}}}\nBODY = {_lua_str(body)}\n" + WRK_SCRIPT,
        files={"BODIES_FILE": bodies or None},
        seconds=seconds,
        connections=connections,
        threads=threads,
    )
    secs = data["duration_us"] / 1e6
    errors = sum(
        data[k] for k in ("non2xx", "connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return LoadResult(
        "wrk",
        data["requests"],
        secs,
        data["requests"] / secs,
        data["p50_us"] / 1000,
        data["p99_us"] / 1000,
        errors,
        max_ms=data["max_us"] / 1000,
    )


async def _paced(
    host: str,
    port: int,
    make_request: Callable[[int], bytes],
    rate: float,
    seconds: float,
    max_connections: int,
) -> tuple[list[float], int, float]:
    total = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    idle: asyncio.Queue = asyncio.Queue()
    sem = asyncio.Semaphore(max_connections)

    async def connection():
        if not idle.empty():
            return idle.get_nowait()
        return await asyncio.open_connection(host, port)

    async def one(i: int, due: float) -> None:
        nonlocal errors
        async with sem:
            try:
                reader, writer = await connection()
                writer.write(make_request(i))
                await writer.drain()
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                status = int(head.split(b" ", 2)[1])
                length, close = 0, False
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                    elif name.lower() == b"connection" and value.strip().lower() == b"close":
                        close = True
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - due)
                if status >= 400:
                    errors += 1
                if close:
                    writer.close()
                else:
                    idle.put_nowait((reader, writer))
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1

    # Each request is started when it falls due, not all created up front: building thousands
    # of tasks at once made the first requests late, and lateness counts as latency.
    tasks = []
    start = time.perf_counter()
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not idle.empty():
        idle.get_nowait()[1].close()
    return latencies, errors, elapsed


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Keep the objects that exist now out of the cyclic collector until the block ends.

    The paced client measures latency from each request's due time, so a pause in this process
    counts against the server. The bench process holds ~180,000 tracked objects (the app, the
    stack, the SMS bodies); a full collection over them took ~110 ms here, and one landing in a
    half-peak run turned a 10 ms p99 into 53 ms. Frozen, a collection walks only what the run
    itself allocates.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass
class PacedRun:
    """One paced run's raw figures, to report alone or pooled with other rounds."""

    latencies: list[float]
    errors: int
    seconds: float
    rate: float

    @staticmethod
    def pooled(runs: list[PacedRun]) -> LoadResult:
        """One result over several rounds at the same rate: percentiles of all their requests."""
        latencies = sorted(x for run in runs for x in run.latencies)
        seconds = sum(run.seconds for run in runs)

        def pct(p: float) -> float:
            if not latencies:
                return float("nan")
            return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

        done = len(latencies)
        return LoadResult(
            "paced-asyncio",
            done,
            seconds,
            done / seconds if seconds else 0.0,
            pct(50),
            pct(99),
            sum(run.errors for run in runs),
            target_rps=runs[0].rate if runs else None,
        )


def paced_run(
    host: str,
    port: int,
    make_request: Callable[[int], bytes],
    *,
    rate: float,
    seconds: float = 10,
    max_connections: int = 32,
) -> PacedRun:
    """Open-loop load at `rate` requests/s for `seconds` (bounded: rate × seconds requests)."""
    with heap_frozen():
        latencies, errors, elapsed = asyncio.run(
            _paced(host, port, make_request, rate, seconds, max_connections)
        )
    return PacedRun(latencies, errors, elapsed, rate)


def paced(
    host: str, port: int, make_request: Callable[[int], bytes], **options: float
) -> LoadResult:
    """`paced_run` (same options), summarised: requests, rate achieved, p50 and p99 from each
    request's due time."""
    return PacedRun.pooled([paced_run(host, port, make_request, **options)])


def http_request(path: str, body: bytes, headers: dict[str, str], host: str = "127.0.0.1") -> bytes:
    """An HTTP/1.1 POST with keep-alive, as bytes."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
