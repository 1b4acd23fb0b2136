"""Fault injection for the sandbox: the `--faults` SPEC (`FaultSpec`) and `FaultMiddleware`.

SPEC (`orderdesk-sandbox --faults SPEC`): groups separated by `;`, each
`[VENUE:]key=value,key=value...`. VENUE is a name of `gui.sandbox.server.VENUES`; `*` or no
VENUE means every venue. Later groups override earlier ones, key by key, for the venues they
name. Keys:

- `5xx`, `timeout`, `drop`, `429`, `malformed`: rates in [0, 1] (their sum at most 1: a request
  gets at most one fault);
- `skew`: seconds (float, may be negative) added to the venue's clock;
- `hang`: seconds a `timeout` holds the answer (default 5);
- `burst`: 429 answers in a row once a 429 starts (default 3);
- `seed`: integer (default: the sandbox's `--seed`).

Example: `*:5xx=0.1,timeout=0.05,hang=2;kucoin_futures:skew=3,429=0.05`.

Per request (never for paths under `/_sandbox/`) one seeded draw picks at most one fault:

- `429`: answered at once in the venue's own 429 shape, not processed; the next `burst - 1`
  requests get 429 too;
- `5xx`: half of them (seeded) 500/502/503 before processing (nothing accepted), half after
  (accepted, the answer replaced); 502/503 are HTML pages, 500 the venue's error envelope;
- `timeout`: processed, the answer held `hang` seconds (or until the client goes away);
- `drop`: processed, then the connection is closed without a byte of answer (the client sees
  a transport error such as `httpx.RemoteProtocolError`);
- `malformed`: processed, the body replaced by truncated JSON, a 200 HTML page or JSON with
  wrong types (seeded choice, `gui.sandbox.fault_answers.garble`).

`skew` shifts the venue's wall clock: its signature-timestamp windows, its server-time
endpoint (KuCoin `GET /api/v1/timestamp`) and the `Date` header of every answer.

Introspection, on every venue's port, never faulted (for tests, see
`gui.sandbox.introspection`):

- `GET /_sandbox/book`: JSON list of every order the emulator accepted, each
  `{"client_order_id": str | null, "venue_order_id": str, "status": str (venue spelling),
  "quantity": str | null (base asset; null when sized in quote), "filled_qty": str,
  "fills": [{"id": str, "qty": str, "price": str}]}`;
- `GET /_sandbox/faults`: `{"5xx": n, "timeout": n, "drop": n, "429": n, "malformed": n,
  "requests": n}`, faults injected so far and requests seen by the fault layer (all 0 when
  the sandbox runs without `--faults`).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gui.sandbox.fault_answers import GARBLE_KINDS, VenueAnswers, garble, gateway_page
from gui.sandbox.fault_spec import FAULT_KINDS, FaultKind, FaultSpec, VenueFaults

__all__ = [
    "FAULT_KINDS",
    "SANDBOX_PATH_PREFIX",
    "DroppedAnswer",
    "FaultCounters",
    "FaultKind",
    "FaultMiddleware",
    "FaultSpec",
    "VenueFaults",
    "skewed_clock",
]

SANDBOX_PATH_PREFIX = "/_sandbox/"
"""Paths under it are the sandbox's own (introspection) and never faulted."""


def skewed_clock(skew_s: float) -> Callable[[], float]:
    """Wall-clock unix seconds plus `skew_s` (plain `time.time` when there is no skew)."""
    if skew_s == 0:
        return time.time
    return lambda: time.time() + skew_s


@dataclass(slots=True)
class FaultCounters:
    """Faults injected into one venue's answers, by kind, and the requests seen.

    Attributes:
        injected: Kind -> count.
        requests: Requests the fault layer saw (paths under `/_sandbox/` excluded).
    """

    injected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FAULT_KINDS, 0))
    requests: int = 0

    def as_json(self) -> dict[str, int]:
        """`{"5xx": n, "timeout": n, "drop": n, "429": n, "malformed": n, "requests": n}`."""
        return {**self.injected, "requests": self.requests}


class DroppedAnswer(ConnectionAbortedError):
    """Raised instead of closing the connection when the server gives no transport to close
    (an in-process ASGI transport): the client sees this exception instead of an answer."""


@dataclass(slots=True)
class _Captured:
    status: int = 500
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)


class FaultMiddleware:
    """ASGI middleware injecting one venue's faults (module docstring) and, because uvicorn's
    own `Date` header is turned off when faults are on, setting `Date` from the venue's clock.

    Draws happen in the order requests arrive, from one `random.Random` seeded with
    `"{seed}:{venue}"`: the same seed and request sequence give the same faults.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        venue: str,
        faults: VenueFaults,
        answers: VenueAnswers,
        counters: FaultCounters,
        default_seed: int,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Wrap one venue's app.

        Args:
            app: The venue's app (with its introspection routes).
            venue: Venue name, part of the seed.
            faults: What to inject.
            answers: The venue's 429 and 500 shapes.
            counters: Where injected faults are counted (`/_sandbox/faults` reads them).
            default_seed: Seed when `faults.seed` is None (the sandbox's `--seed`).
            clock: The venue's clock, unix seconds; defaults to `skewed_clock(faults.skew_s)`.
        """
        self.app = app
        self.faults = faults
        self.counters = counters
        self._answers = answers
        self._clock = clock if clock is not None else skewed_clock(faults.skew_s)
        seed = default_seed if faults.seed is None else faults.seed
        self._rng = random.Random(f"{seed}:{venue}")
        self._burst_left = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        dated = self._dated(send)
        if scope["path"].startswith(SANDBOX_PATH_PREFIX):
            await self.app(scope, receive, dated)
            return
        self.counters.requests += 1
        kind = self._draw()
        if kind is None:
            await self.app(scope, receive, dated)
            return
        self.counters.injected[kind] += 1
        if kind == "429":
            await self._answers.rate_limited(self._clock)(scope, receive, dated)
        elif kind == "5xx":
            await self._server_error(scope, receive, dated)
        elif kind == "timeout":
            captured = await self._process(scope, receive)
            await _until_disconnect(receive, self.faults.hang_s)
            await _replay(captured, dated)
        elif kind == "drop":
            await self._process(scope, receive)
            await _drop(receive, send)
        else:
            captured = await self._process(scope, receive)
            await self._malformed(captured, dated)

    def _draw(self) -> FaultKind | None:
        if self._burst_left > 0:
            self._burst_left -= 1
            return "429"
        if not self.faults.injects:
            return None
        draw, edge = self._rng.random(), 0.0
        for kind in FAULT_KINDS:
            edge += self.faults.rate(kind)
            if draw < edge:
                if kind == "429":
                    self._burst_left = self.faults.burst - 1
                return kind
        return None

    def _dated(self, send: Send) -> Send:
        async def send_dated(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                date = formatdate(self._clock(), usegmt=True).encode("ascii")
                message = {**message, "headers": [*headers, (b"date", date)]}
            await send(message)

        return send_dated

    async def _server_error(self, scope: Scope, receive: Receive, send: Send) -> None:
        before = self._rng.random() < 0.5
        status_code = self._rng.choice((500, 502, 503))
        if not before:
            await self._process(scope, receive)  # accepted; its answer is lost
        answer = self._answers.server_error() if status_code == 500 else gateway_page(status_code)
        await answer(scope, receive, send)

    async def _process(self, scope: Scope, receive: Receive) -> _Captured:
        captured = _Captured()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured.status = message["status"]
                captured.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                captured.body += message.get("body", b"")

        await self.app(scope, receive, capture)
        return captured

    async def _malformed(self, captured: _Captured, send: Send) -> None:
        kind = self._rng.choice(GARBLE_KINDS)
        garbled = garble(kind, captured.status, bytes(captured.body))
        captured.status, captured.body = garbled.status_code, bytearray(garbled.body)
        if garbled.content_type is not None:
            captured.headers = [
                (k, v) for k, v in captured.headers if k.lower() != b"content-type"
            ] + [(b"content-type", garbled.content_type.encode("ascii"))]
        await _replay(captured, send)


async def _replay(captured: _Captured, send: Send) -> None:
    headers = [(k, v) for k, v in captured.headers if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(captured.body)).encode("ascii")))
    await send({"type": "http.response.start", "status": captured.status, "headers": headers})
    await send({"type": "http.response.body", "body": bytes(captured.body)})


async def _until_disconnect(receive: Receive, limit_s: float) -> None:
    # At most `limit_s`; sooner when the client goes away (nobody is left to answer).
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(limit_s):
            while (await receive())["type"] != "http.disconnect":
                pass


async def _drop(receive: Receive, send: Send) -> None:
    # uvicorn's `send` is a bound method of its request cycle, which holds the connection's
    # transport: closing it before a response starts sends nothing at all (FIN, no status
    # line). Waiting for the disconnect lets uvicorn see the cycle as disconnected, so it
    # neither sends its own 500 nor logs an error.
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if not isinstance(transport, asyncio.BaseTransport):
        raise DroppedAnswer("answer dropped by the sandbox's fault injection")
    transport.close()
    await _until_disconnect(receive, 1.0)
