"""The sandbox's own endpoints on every venue's port, for tests (never faulted).

- `GET /_sandbox/book`: JSON list, oldest first, of every order the emulator accepted:
  `{"client_order_id": str | null (null when the order carried none), "venue_order_id": str,
  "status": str (the venue's spelling), "quantity": str | null (base asset, a decimal string;
  null when sized in quote), "filled_qty": str (base asset), "fills": [{"id": str, "qty": str,
  "price": str}]}`. `fills` are the trades the emulator made for the order (for a broker's
  parent order, its child trades), ids as the venue reports them where it reports fills
  (ZenOTC `fill_...`, KuCoin trade ids, DFX trade ids), else the engine's. KuCoin sizes are
  converted from lots to base asset with the contract multiplier.
- `GET /_sandbox/faults`: `{"5xx": n, "timeout": n, "drop": n, "429": n, "malformed": n,
  "requests": n}` (see `gui.sandbox.faults`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from gui.sandbox.anboto_handlers import AnbotoEmulator
from gui.sandbox.dfx_book import DfxTrade
from gui.sandbox.dfx_handlers import DfxEmulator
from gui.sandbox.faults import SANDBOX_PATH_PREFIX, FaultCounters
from gui.sandbox.kucoin_futures_handlers import KucoinFuturesEmulator
from gui.sandbox.sim_order import SimFill
from gui.sandbox.treadfi_handlers import TreadfiEmulator
from gui.sandbox.zenotc_handlers import ZenotcEmulator
from gui.sandbox.zenotc_wire import fill_id as zenotc_fill_id
from gui.sandbox.zenotc_wire import status_of as zenotc_status

__all__ = ["BOOK_READERS", "BookEntry", "BookReader", "SandboxIntrospection"]

BookEntry = dict[str, Any]
"""One order of `GET /_sandbox/book` (module docstring)."""
BookReader = Callable[[Starlette], list[BookEntry]]
"""Reads the book of one venue's app (its emulator is in `app.state`)."""


def _text(value: Decimal) -> str:
    return format(value, "f")


def _entry(
    client_order_id: str | None,
    venue_order_id: object,
    status: str,
    quantity: Decimal | None,
    filled_qty: Decimal,
    fills: Iterable[tuple[object, Decimal, Decimal]],
) -> BookEntry:
    return {
        "client_order_id": client_order_id or None,
        "venue_order_id": str(venue_order_id),
        "status": status,
        "quantity": None if quantity is None else _text(quantity),
        "filled_qty": _text(filled_qty),
        "fills": [
            {"id": str(fill_id), "qty": _text(qty), "price": _text(price)}
            for fill_id, qty, price in fills
        ],
    }


def _engine_fills(fills: Iterable[SimFill]) -> list[tuple[object, Decimal, Decimal]]:
    return [(fill.fill_id, fill.quantity, fill.price) for fill in fills]


# The emulators keep their order registries private; these readers only read them.


def treadfi_book(app: Starlette) -> list[BookEntry]:
    """Tread.fi: engine statuses (its spelling), quote-sized orders with `quantity` null."""
    emulator: TreadfiEmulator = app.state.treadfi
    infos = emulator._infos
    return [
        _entry(
            infos[order.order_id].custom_order_id,
            order.order_id,
            order.status.value,
            None if infos[order.order_id].quote_target is not None else order.quantity,
            order.filled_qty,
            _engine_fills(order.fills),
        )
        for order in emulator.engine.orders()
        if order.order_id in infos
    ]


def zenotc_book(app: Starlette) -> list[BookEntry]:
    """ZenOTC: `ord_` ids, its statuses, `fill_` ids."""
    emulator: ZenotcEmulator = app.state.zenotc
    entries = []
    for info in list(emulator._by_id.values()):
        order = emulator.engine.get(info.engine_id)
        fills = [(zenotc_fill_id(fill), fill.quantity, fill.price) for fill in order.fills]
        status = zenotc_status(info, order).value
        entries.append(
            _entry(
                info.client_order_id, info.order_id, status, order.quantity, order.filled_qty, fills
            )
        )
    return entries


def kucoin_futures_book(app: Starlette) -> list[BookEntry]:
    """KuCoin Futures: `open`/`done`, lots converted to base asset, trade ids."""
    emulator: KucoinFuturesEmulator = app.state.kucoin_futures
    book = emulator.book
    book.sync()
    entries = []
    for order in list(book.orders.values()):
        contract = order.contract
        fills = [(fill.trade_id, contract.base_qty(fill.lots), fill.price) for fill in order.fills]
        entries.append(
            _entry(
                order.client_oid,
                order.order_id,
                "open" if order.is_active else "done",
                contract.base_qty(order.lots),
                contract.base_qty(order.filled_lots),
                fills,
            )
        )
    return entries


def anboto_book(app: Starlette) -> list[BookEntry]:
    """Anboto: parent orders with their children's engine fills."""
    emulator: AnbotoEmulator = app.state.anboto
    book = emulator.book
    book.sync()
    entries = []
    for order in list(book._orders.values()):
        children = [emulator.engine.get(child_id) for child_id in order.children]
        fills = _engine_fills(fill for child in children for fill in child.fills)
        entries.append(
            _entry(
                order.spec.client_order_id,
                order.order_id,
                book.status(order).value,
                order.spec.quantity,
                book.execution(order).filled_qty,
                fills,
            )
        )
    return entries


def dfx_book(app: Starlette) -> list[BookEntry]:
    """DFX: its statuses, MARKET orders (sized in quote) with `quantity` null, trade ids."""
    emulator: DfxEmulator = app.state.dfx
    book = emulator.book
    book.sync()
    trades: defaultdict[int, list[DfxTrade]] = defaultdict(list)
    for trade in book.trades:
        trades[trade.order.order_id].append(trade)
    return [
        _entry(
            order.client_oid,
            order.order_id,
            order.status.value,
            order.quantity,
            order.sim.filled_qty,
            [(t.trade_id, t.quantity, t.price) for t in trades[order.order_id]],
        )
        for order in list(book.orders.values())
    ]


BOOK_READERS: dict[str, BookReader] = {
    "treadfi": treadfi_book,
    "zenotc": zenotc_book,
    "kucoin_futures": kucoin_futures_book,
    "anboto": anboto_book,
    "dfx": dfx_book,
}
"""Venue name (as in `gui.sandbox.server.VENUES`) -> its book reader."""


class SandboxIntrospection:
    """ASGI wrapper answering `GET /_sandbox/book` and `GET /_sandbox/faults` (module
    docstring) and passing every other request to the venue's app."""

    def __init__(self, app: Starlette, read_book: BookReader, counters: FaultCounters) -> None:
        """Wrap one venue's app.

        Args:
            app: The venue's Starlette app (its emulator in `app.state`).
            read_book: That venue's reader of `BOOK_READERS`.
            counters: The venue's fault counters (all 0 without fault injection).
        """
        self.app = app
        self.counters = counters
        self._read_book = read_book

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(SANDBOX_PATH_PREFIX):
            await self._answer(scope)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _answer(self, scope: Scope) -> Response:
        path = scope["path"]
        if path not in ("/_sandbox/book", "/_sandbox/faults"):
            return JSONResponse({"detail": f"no sandbox endpoint {path}"}, status_code=404)
        if scope["method"] != "GET":
            return JSONResponse({"detail": "only GET"}, status_code=405, headers={"Allow": "GET"})
        if path == "/_sandbox/book":
            return JSONResponse(self._read_book(self.app))
        return JSONResponse(self.counters.as_json())
