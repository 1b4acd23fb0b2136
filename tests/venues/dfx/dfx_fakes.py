"""Helpers of the DFX tests: a fixed test key, the doc's example bodies, a scripted venue.

A uniquely named module (not `conftest`) so test modules can import it.

The key is RFC 8032 section 7.1 TEST 1 (a published test vector, never a real key).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from gui.venues.dfx import DfxConfig, DfxCredentials, DfxRateLimits

RESOURCES = Path(__file__).parent / "resources"

RFC8032_SEED_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
"""TEST 1 secret key of RFC 8032 §7.1."""
PRIVATE_KEY_DER_B64 = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g"
"""That key as base64 PKCS#8 DER (what `openssl genpkey ... -outform DER | base64` gives)."""
PRIVATE_KEY_PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n"
)
PUBLIC_KEY_B64 = "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
"""Its public half as base64 SPKI DER (what the user uploads)."""
API_KEY = "dfx-test-" + "k" * 87  # 96 characters, like the keys DFX issues
ACCOUNT_ID = "1403134775"
CREDENTIALS = DfxCredentials(API_KEY, PRIVATE_KEY_DER_B64)
ORDER_ID = "2000000074758463"

# Fast, deterministic settings: the throttles never wait, retries wait 0 s.
FAST_CONFIG = DfxConfig(
    base_url="http://dfx.test",
    account_id=ACCOUNT_ID,
    rate_limits=DfxRateLimits.uniform(10_000),
    burst=10_000,
    read_attempts=2,
    retry_base_delay_s=0.0,
)

_COMMENT = re.compile(r"//[^\n]*")


def resource_text(name: str) -> str:
    """The text of `resources/<name>`, exactly as in the doc."""
    return (RESOURCES / name).read_text()


def doc_body(name: str) -> bytes:
    """A doc example as the venue would send it: the doc's `// ...` annotations removed
    (they explain fields; they are not part of the JSON)."""
    return _COMMENT.sub("", resource_text(name)).encode()


def load_resource(name: str) -> Any:
    """A doc example parsed with exact decimals."""
    return json.loads(doc_body(name), parse_float=Decimal)


def order_object(**fields: Any) -> dict[str, Any]:
    """The doc's get-one order object with some fields replaced (None removes a field)."""
    body: dict[str, Any] = load_resource("http_order_get_response.json")["data"] | fields
    return {key: value for key, value in body.items() if value is not None}


def ok(data: Any = None, **top: Any) -> dict[str, Any]:
    """A success envelope."""
    body: dict[str, Any] = {"code": "0", "msg": "success"}
    if data is not None:
        body["data"] = data
    return body | top


@dataclass(frozen=True)
class Canned:
    """One answer: a JSON body, or raw bytes when `raw` is set."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Recorded:
    """One request the fake venue received."""

    method: str
    path: str
    query: bytes
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


Route = Callable[[Recorded], Canned | None]


@dataclass
class FakeVenue:
    """Answers each request with `route(request)` if it gives one, else with the canned
    answers in turn (the last repeats); records every request."""

    answers: list[Canned] = field(default_factory=list)
    route: Route | None = None
    requests: list[Recorded] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.requests if r.method == method and r.path == path)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        recorded = Recorded(
            method=request.method,
            path=request.url.path,
            query=request.url.query,
            params=dict(parse_qsl(request.url.query.decode(), keep_blank_values=True)),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.content,
        )
        self.requests.append(recorded)
        answer = self.route(recorded) if self.route is not None else None
        if answer is None:
            index = min(len(self.requests) - 1, len(self.answers) - 1)
            answer = self.answers[index] if self.answers else Canned(body=ok())
        if answer.raw is not None:
            content = answer.raw
        else:
            content = json.dumps(answer.body, default=str).encode()
        headers = {"Content-Type": "application/json"} | dict(answer.headers)
        return httpx.Response(answer.status, content=content, headers=headers)
