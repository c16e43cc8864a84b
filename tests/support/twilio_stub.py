"""A local stand-in for Twilio's Messages resource (records what the real SDK sends) and its
recording media (serves the audio a test put there, byte ranges included)."""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class StubRequest:
    method: str
    path: str
    form: dict[str, str]
    authorization: str | None


@dataclass
class TwilioStub:
    """Answers POST …/Messages.json like Twilio (201 + JSON); `fail_next` queues error codes.
    GET of a path in `media` answers its bytes as audio/mpeg or audio/wav (206 for a
    `Range: bytes=a-b`); any other GET is a 404, as Twilio answers for a deleted recording."""

    requests: list[StubRequest] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> TwilioStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                stub.requests.append(
                    StubRequest("POST", self.path, form, self.headers.get("Authorization"))
                )
                if stub.fail_next:
                    status = stub.fail_next.pop(0)
                    body = {"code": 20500, "message": "Internal Server Error", "status": status}
                else:
                    status = 201
                    body = {
                        "sid": "SM" + uuid.uuid4().hex,
                        "status": "queued",
                        "to": form.get("To"),
                        "from": form.get("From"),
                        "body": form.get("Body"),
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                    }
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                stub.requests.append(
                    StubRequest("GET", self.path, {}, self.headers.get("Authorization"))
                )
                body = stub.media.get(self.path)
                if body is None or stub.fail_next:
                    status = stub.fail_next.pop(0) if stub.fail_next else 404
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, headers = 200, {"Accept-Ranges": "bytes"}
                asked = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range") or "")
                if asked:
                    first = int(asked.group(1))
                    last = min(int(asked.group(2) or len(body) - 1), len(body) - 1)
                    headers["Content-Range"] = f"bytes {first}-{last}/{len(body)}"
                    body, status = body[first : last + 1], 206
                self.send_response(status)
                kind = "audio/wav" if self.path.endswith(".wav") else "audio/mpeg"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
