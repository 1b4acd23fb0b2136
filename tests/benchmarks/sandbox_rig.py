"""Shared rig of the loopback sandbox benchmarks (submit latency, bulk cancel).

The five emulators are served by `gui.sandbox.server.running_sandbox` (real uvicorn on
127.0.0.1, in a background thread of this process), and the desk's own clients are built
from the endpoints exactly as the desk builds them in demo mode (`gui.venues.registry.
build_clients`): default configs, so every client keeps its venue's documented rate limits.

`WireLog` hooks every client's `httpx.AsyncClient` (response event hook) and counts what
went over the wire per venue, 429 answers included: all traffic of a benchmark comes from
these clients, so a count of zero here means the emulators sent no 429 at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx

from gui.domain.orders import OrderTicket, Side, Strategy
from gui.oms.journal import Journal
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.sandbox.server import running_sandbox
from gui.venues.base import VenueClient
from gui.venues.http import VenueHttp
from gui.venues.registry import build_clients

_T = TypeVar("_T")
_ID_SEGMENT = re.compile(r"(?<=/)(?:ord_[0-9a-z]+|(?=[^/]*\d)[^/]{10,})(?=/|$)")
"""An order id in a path: ZenOTC's `ord_...`, or 10+ characters with a digit (UUID,
number)."""

Endpoints = dict[str, dict[str, Any]]
"""Venue name -> `{"base_url", "credentials", "accounts"}` as the sandbox prints them."""

VENUES = ("treadfi", "kucoin_futures", "zenotc", "anboto", "dfx")
"""The five venues, in the order the benchmarks report them."""

# Far from the market (the engine starts BTC at 60,000 and ETH at 3,000 and walks slowly):
# limit orders rest, and the algos run for hours, so nothing finishes while we measure.
_LIMITS: dict[tuple[str, Side], Decimal] = {
    ("BTC", Side.BUY): Decimal(30000),
    ("BTC", Side.SELL): Decimal(120000),
    ("ETH", Side.BUY): Decimal(1500),
    ("ETH", Side.SELL): Decimal(6000),
}
_QUANTITIES = {"BTC": Decimal("0.01"), "ETH": Decimal("0.1")}
_ALGO_QUANTITIES = {"BTC": Decimal("0.5"), "ETH": Decimal("5")}
ALGO_DURATION_S = 6 * 3600
"""Window of the Tread.fi and Anboto algos, seconds: long enough to stay working."""
_QUOTE = {"zenotc": "USD"}  # ZenOTC trades against an implicit USD quote


@contextlib.contextmanager
def sandbox(seed: int = 8) -> Iterator[Endpoints]:
    """Serve the five emulators on loopback for a `with` block.

    Yields:
        The endpoints as plain dicts (what `build_clients` takes).
    """
    with running_sandbox(seed=seed) as served:
        yield {name: dataclasses.asdict(endpoint) for name, endpoint in served.items()}


def _inside(client: VenueClient, kind: type[_T]) -> list[_T]:
    """Every `kind` instance inside a venue adapter, found by walking its attributes (so
    the benchmarks need no hook in the adapters)."""
    found: list[_T] = []
    seen: set[int] = set()

    def walk(obj: object, depth: int) -> None:
        if id(obj) in seen or depth > 6:
            return
        seen.add(id(obj))
        if isinstance(obj, kind):
            found.append(obj)
            return
        values: list[object] = list(getattr(obj, "__dict__", {}).values())
        for cls in type(obj).__mro__:
            values.extend(
                getattr(obj, name) for name in getattr(cls, "__slots__", ()) if hasattr(obj, name)
            )
        for value in values:
            if isinstance(value, kind) or type(value).__module__.startswith("gui."):
                walk(value, depth + 1)

    walk(client, 0)
    if len(found) != 1:
        raise LookupError(f"{client.venue}: expected one {kind.__name__}, found {len(found)}")
    return found


def http_client_of(client: VenueClient) -> httpx.AsyncClient:
    """The one `httpx.AsyncClient` inside a venue adapter.

    Raises:
        LookupError: The adapter holds none, or several.
    """
    return _inside(client, httpx.AsyncClient)[0]


def venue_http_of(client: VenueClient) -> VenueHttp:
    """The one `VenueHttp` (rate limiter, retries) inside a venue adapter.

    Raises:
        LookupError: The adapter holds none, or several.
    """
    return _inside(client, VenueHttp)[0]


@dataclass
class WireLog:
    """Every response the hooked clients received, counted per venue and status.

    Attributes:
        statuses: (venue, HTTP status) -> responses.
        last_answer: Venue -> `time.perf_counter()` of its latest response.
        endpoints: (venue, "METHOD /path") -> requests answered; an order id in the path
            reads `{id}`.
    """

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    endpoints: Counter[tuple[str, str]] = field(default_factory=Counter)
    last_answer: dict[str, float] = field(default_factory=dict)

    def attach(self, clients: Iterable[VenueClient]) -> None:
        """Count the responses of these venue clients from now on."""
        for client in clients:
            self.attach_http(client.venue, http_client_of(client))

    def attach_http(self, venue: str, http: httpx.AsyncClient) -> None:
        """Count the responses of a bare `httpx.AsyncClient` talking to `venue`."""

        async def on_response(response: httpx.Response) -> None:
            self.last_answer[venue] = time.perf_counter()
            self.statuses[(venue, response.status_code)] += 1
            request = response.request
            path = _ID_SEGMENT.sub("{id}", request.url.path)
            self.endpoints[(venue, f"{request.method} {path}")] += 1

        http.event_hooks["response"].append(on_response)

    def rate_limited(self, venue: str | None = None) -> int:
        """429 answers received (from `venue`, or from all)."""
        return sum(
            count
            for (name, status), count in self.statuses.items()
            if status == 429 and venue in (None, name)
        )

    def requests(self, venue: str | None = None) -> int:
        """Responses received (from `venue`, or from all)."""
        return sum(count for (name, _), count in self.statuses.items() if venue in (None, name))

    def reset(self) -> None:
        """Forget everything counted so far."""
        self.statuses.clear()
        self.endpoints.clear()
        self.last_answer.clear()


class Holds(logging.Handler):
    """Counts, per venue, the times an account held its requests (`gui.venues.limits`
    logs each hold: a 429, or rate-limit headers saying the window's quota is spent).

    Use as a context manager around the measured part.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.per_venue: Counter[str] = Counter()
        self._logger = logging.getLogger("gui.venues.limits")

    def emit(self, record: logging.LogRecord) -> None:
        if "holding requests" in record.msg and record.args:
            self.per_venue[str(record.args[0])] += 1  # type: ignore[index]

    def __enter__(self) -> Holds:
        self._logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self)


@dataclass
class Desk:
    """One OrderService over the desk's own clients for every sandbox account.

    Attributes:
        store: The order store.
        service: The service.
        clients: (venue, account) -> client.
        journal: The journal attached to the store, when one was asked for.
    """

    store: OrderStore
    service: OrderService
    clients: dict[tuple[str, str], VenueClient]
    journal: Journal | None = None

    async def aclose(self) -> None:
        """Stop background work, close the clients, then the journal."""
        await self.service.aclose()
        for client in self.clients.values():
            await client.aclose()
        if self.journal is not None:
            self.journal.close()


def build_desk(
    endpoints: Mapping[str, Mapping[str, Any]],
    journal_path: Path | None = None,
    wire: WireLog | None = None,
) -> Desk:
    """A desk as shipped against the sandbox: the registry's clients (documented limits),
    a store, and, with `journal_path`, a journal that records intents and is attached to
    the store (as the desk does at start-up).

    Args:
        endpoints: The sandbox's endpoints.
        journal_path: SQLite file of the journal; None runs without one.
        wire: Counts the clients' traffic when given.
    """
    clients = build_clients(endpoints)
    store = OrderStore()
    journal = None
    if journal_path is not None:
        journal = Journal(journal_path)
        journal.attach(store)
    if wire is not None:
        wire.attach(clients.values())
    service = OrderService(store, clients, journal=journal, user="benchmark")
    return Desk(store, service, clients, journal)


def resting_ticket(venue: str, account: str, number: int) -> OrderTicket:
    """A ticket that stays working: a limit far from the market, or on the brokers
    (Tread.fi, Anboto) a six-hour TWAP. `number` varies pair and side.
    """
    base = ("BTC", "ETH")[number % 2]
    side = (Side.BUY, Side.SELL)[(number // 2) % 2]
    pair = f"{base}-{_QUOTE.get(venue, 'USDT')}"
    if venue in ("treadfi", "anboto"):
        return OrderTicket(
            venue,
            account,
            pair,
            side,
            _ALGO_QUANTITIES[base],
            Strategy.TWAP,
            duration_s=ALGO_DURATION_S,
        )
    return OrderTicket(
        venue,
        account,
        pair,
        side,
        _QUANTITIES[base],
        Strategy.LIMIT,
        limit_price=_LIMITS[(base, side)],
    )
