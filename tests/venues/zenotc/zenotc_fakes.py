"""Helpers of the ZenOTC tests: the doc's example bodies, a tiny scripted venue, fast settings.

A uniquely named module (not `conftest`) so test modules can import it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from gui.venues.zenotc import ZenotcConfig, ZenotcCredentials
from tests.helpers import exact_json

RESOURCES = Path(__file__).parent / "resources"
API_KEY = "zk_test_4f9a2c"
API_SECRET = "zs_test_secret_0123456789abcdef"
CREDENTIALS = ZenotcCredentials(API_KEY, API_SECRET)
ORDER_ID = "ord_abc123def456"

# Fast, deterministic settings: the throttle never waits, retries wait 0 s.
FAST_CONFIG = ZenotcConfig(
    base_url="http://zenotc.test",
    max_requests_per_s=10_000,
    burst=10_000,
    read_attempts=2,
    retry_base_delay_s=0.0,
)


def resource_text(name: str) -> str:
    """The text of `resources/<name>`, exactly as extracted from the doc."""
    return (RESOURCES / name).read_text()


def load_resource(name: str) -> Any:
    """`resources/<name>` parsed with exact decimals."""
    return json.loads(resource_text(name), parse_float=Decimal)


def order_body(**fields: Any) -> dict[str, Any]:
    """The doc's Order object with some fields replaced (None removes a field)."""
    body: dict[str, Any] = load_resource("http_orders_object.json") | fields
    return {key: value for key, value in body.items() if value is not None}


@dataclass(frozen=True)
class Canned:
    """One answer: a JSON body, or raw text when `text` is set."""

    status: int = 200
    body: Any = None
    text: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"


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
        return json.loads(self.body, parse_float=Decimal)


Route = Callable[[Recorded], Canned | None]


@dataclass
class FakeVenue:
    """Answers each request with `route(request)` if it gives an answer, else with the
    canned answers in turn (the last repeats); records every request."""

    answers: list[Canned] = field(default_factory=list)
    route: Route | None = None
    requests: list[Recorded] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def count(self, method: str, path_suffix: str = "") -> int:
        return sum(1 for r in self.requests if r.method == method and r.path.endswith(path_suffix))

    def _handle(self, request: httpx.Request) -> httpx.Response:
        recorded = Recorded(
            method=request.method,
            path=request.url.path,
            raw_path=request.url.raw_path.decode(),
            query=dict(parse_qsl(request.url.query.decode(), keep_blank_values=True)),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.content,
        )
        self.requests.append(recorded)
        answer = self.route(recorded) if self.route is not None else None
        if answer is None:
            answers = self.answers or [Canned()]
            answer = answers[min(len(self.requests) - 1, len(answers) - 1)]
        if answer.text is not None:
            payload = answer.text.encode()
        else:
            payload = exact_json(answer.body).encode()
        headers = [("content-type", answer.content_type), *answer.headers]
        return httpx.Response(answer.status, headers=headers, content=payload)


class Sleeps:
    """Records the waits asked for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
