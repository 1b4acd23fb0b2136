"""Helpers of the Tread.fi tests: the doc's example bodies, a tiny fake venue, fast settings.

A uniquely named module (not `conftest`) so test modules can import it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from gui.venues.treadfi import TreadfiConfig

RESOURCES = Path(__file__).parent / "resources"
API_KEY = "b72ab3bcbce4423208a07f52b5aed207d5bd053e"  # the DRF-format example of notes §2.2
ORDER_ID = "6debb950-614a-4366-b73b-7d7574fd9e15"

# Fast, deterministic settings: no self-throttle wait worth speaking of, no retry delay.
FAST_CONFIG = TreadfiConfig(
    base_url="http://treadfi.test",
    max_requests_per_s=10_000,
    burst=10_000,
    read_attempts=2,
    retry_base_delay_s=0.0,
)


def load_resource(name: str) -> Any:
    """The parsed JSON of `resources/<name>`."""
    return json.loads((RESOURCES / name).read_text())


@dataclass(frozen=True)
class Recorded:
    """One request the fake venue received."""

    method: str
    path: str
    raw_path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Canned:
    """One answer: a JSON body, or raw text when `text` is set."""

    status: int = 200
    body: Any = None
    text: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


class FakeVenue:
    """A tiny ASGI app: answers with the canned responses in turn (the last one repeats)
    and records every request, so tests can assert on the exact wire traffic."""

    def __init__(self, *answers: Canned) -> None:
        self.answers = list(answers) or [Canned()]
        self.requests: list[Recorded] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.requests.append(
            Recorded(
                method=scope["method"],
                path=scope["path"],
                raw_path=scope["raw_path"].decode(),
                query=dict(parse_qsl(scope["query_string"].decode(), keep_blank_values=True)),
                headers={k.decode().lower(): v.decode() for k, v in scope["headers"]},
                body=body,
            )
        )
        answer = self.answers[min(len(self.requests) - 1, len(self.answers) - 1)]
        if answer.text is not None:
            payload, content_type = answer.text.encode(), b"text/plain"
        else:
            payload, content_type = json.dumps(answer.body).encode(), b"application/json"
        headers = [(b"content-type", content_type)]
        headers += [(k.encode(), v.encode()) for k, v in answer.headers]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
