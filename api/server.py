"""How `wcokg serve` (and the tests' servers) run the app under uvicorn.

A request uvicorn cannot parse never reaches the app, so uvicorn answers it itself with a bare
`400 text/plain "Invalid HTTP request received."` — without the problem+json body, the CORS
header and the security headers every other answer carries (SECURITY.md). `ProblemHttpTools`
is uvicorn's httptools protocol with those answers replaced:

- a request line (URL) longer than `MAX_URL_BYTES` is `414 URI Too Long`, detected while the
  URL arrives (httptools cannot parse URLs past 64 KiB at all), telling the client to POST;
- any other unparseable request is `400 Bad request`, as problem+json.

Both carry the usual headers and close the connection.
"""

from __future__ import annotations

import json
import sys
from http import HTTPStatus
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from wcokg.api.limits import DATA_CSP, HEADERS
from wcokg.api.problems import PROBLEM

MAX_URL_BYTES = 32 * 1024
"""Longest request target accepted; longer queries go by POST (the console does so itself)."""


LINGER_SECONDS = 2.0
"""How long the rest of a refused request is read and dropped before the connection closes."""


def raw_problem(status: int, title: str, detail: str) -> bytes:
    """A whole HTTP/1.1 problem+json response with the headers of every answer, closing."""
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    data = body.encode("utf-8")
    lines = [
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}".encode(),
        b"content-type: " + PROBLEM.encode(),
        b"content-length: " + str(len(data)).encode(),
        b"connection: close",
        b"access-control-allow-origin: *",
        b"content-security-policy: " + DATA_CSP.encode(),
        *(name + b": " + value for name, value in HEADERS),
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + data


class ProblemHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol: 414 for over-long URLs, problem+json for parse errors."""

    url_too_long = False
    discarding = False

    def data_received(self, data: bytes) -> None:
        if not self.discarding:  # after an error answer, the rest of the request is dropped
            super().data_received(data)

    def on_message_begin(self) -> None:
        self.url_too_long = False
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            self.url_too_long = True
            raise ValueError("request target too long")  # stops the parser: send_400_response

    def send_400_response(self, msg: str) -> None:
        if self.url_too_long:
            answer = raw_problem(
                414,
                "URI Too Long",
                f"the request target is longer than {MAX_URL_BYTES} bytes; send long queries "
                "by POST (application/x-www-form-urlencoded or application/sparql-query)",
            )
        else:
            answer = raw_problem(400, "Bad request", "the HTTP request could not be parsed")
        # Lingering close: send the answer and FIN, then read and drop what the client is still
        # sending, so the kernel does not reset the connection before the client reads it.
        self.transport.write(answer)
        self.discarding = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()


def config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration of this app: the protocol above, no `Server` header."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=ProblemHttpTools,
        server_header=False,
        log_level=options.pop("log_level", "warning"),
        **options,
    )


SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL while another wants it (Python's default: 0.005). The
event loop gives up the GIL at every socket call and waits up to this long to get it back
while an edit validates or a snapshot is built in a thread; at the default, a page needing a
dozen such calls took 50 ms more under edits (benchmarks/edit_load.py)."""


def serve(app: Any, host: str, port: int) -> None:
    """Serve `app` until interrupted."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    uvicorn.Server(config(app, host, port)).run()
