"""The KuCoin Futures emulator's orders, fills, positions and held stop orders.

The engine works orders in base quantity; the book keeps KuCoin's view of them: 18-digit
order ids and 13-digit trade ids (notes.md §6.25), whole-lot fills, per-symbol net positions
(notes.md §6.20), untriggered stop orders held here until the engine's mid crosses their
`stopPrice` (§3 "Stop orders", §6.13), post-only orders that would cross canceled instead
of trading (§6.21, §3), and the take-profit / stop-loss legs of `/st-orders` (§6.14).

It is lazy like the engine: `sync()` (run first by every request) triggers the stop orders
whose condition holds at the current mid and turns new engine fills into KuCoin fills. An
engine fill of a fraction of a lot is reported once whole lots complete: a KuCoin fill is
emitted at the engine fill that completes one or more lots, for those lots at its price.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from gui.domain.orders import Side, Strategy
from gui.sandbox.engine import OrderRefused, OrderRequest, SandboxEngine, SimFill
from gui.sandbox.kucoin_futures_auth import ApiError, invalid_parameters
from gui.sandbox.kucoin_futures_contracts import FEE_QUANTUM, fee_of
from gui.sandbox.kucoin_futures_input import OrderSpec
from gui.sandbox.kucoin_futures_orders import IdSource, KucoinFill, KucoinOrder


def no_position() -> ApiError:
    """`300009`, a close or reduce-only order with nothing to reduce (notes.md §6.20)."""
    return ApiError("300009", "No open positions to close.")


class FuturesBook:
    """The emulated account: its orders, fills and positions over the shared engine.

    Attributes:
        engine: The shared simulated market.
        orders: Every order by id, oldest first.
        fills: Every fill, oldest first.
        positions: Net position per symbol, lots (positive long).
    """

    def __init__(self, engine: SandboxEngine) -> None:
        """Start flat, with no orders.

        Args:
            engine: The shared engine (other venues' orders in it are invisible here).
        """
        self.engine = engine
        self.orders: dict[str, KucoinOrder] = {}
        self.fills: list[KucoinFill] = []
        self.positions: dict[str, int] = {}
        self._order_ids = IdSource(100_000)  # 13-digit ms x 10^5 -> 18 digits
        self._trade_ids = IdSource(1)  # 13 digits
        self._live: list[KucoinOrder] = []  # in the engine, not terminal at the last absorb
        self._stops: list[KucoinOrder] = []  # untriggered
        self._by_client_oid: dict[str, list[KucoinOrder]] = {}  # oldest first

    def now(self) -> datetime:
        """Sandbox time."""
        return self.engine.clock.now()

    def new_order_id(self) -> str:
        """A fresh order id (also for `/orders/test`, which stores nothing)."""
        return self._order_ids.next()

    # Placement --------------------------------------------------------------------------------

    def check(self, spec: OrderSpec) -> tuple[Side, int]:
        """The book's rules for a new order: `clientOid` not on an active order (§6.15) and
        a position for `closeOrder` / reduce-only (§6.20).

        Returns:
            (side, lots), resolved from the position for `closeOrder`.

        Raises:
            ApiError: `100001` duplicated clientOid, `300009` nothing to close or reduce.
        """
        # Only the latest order with a clientOid can be active: reuse waits for it to end.
        same_oid = self._by_client_oid.get(spec.client_oid)
        if same_oid and same_oid[-1].is_active:
            raise invalid_parameters("clientOid duplicated")
        position = self.positions.get(spec.contract.symbol, 0)
        if spec.close_order:
            if position == 0:
                raise no_position()
            return (Side.SELL if position > 0 else Side.BUY), abs(position)
        assert spec.side is not None and spec.lots is not None
        if spec.reduce_only and spec.stop is None and self._reducible(spec, spec.side) == 0:
            raise no_position()
        return spec.side, spec.lots

    def place(self, spec: OrderSpec) -> KucoinOrder:
        """Accept an order: hold it (stop), cancel it (post-only that would cross) or work it.

        Args:
            spec: The checked request.

        Returns:
            The new order.

        Raises:
            ApiError: As `check`.
        """
        side, lots = self.check(spec)
        return self._create(spec, spec.client_oid, side, lots)

    def _create(
        self, spec: OrderSpec, client_oid: str | None, side: Side, lots: int
    ) -> KucoinOrder:
        order = KucoinOrder(self.new_order_id(), client_oid, spec, side, lots, self.now())
        self.orders[order.order_id] = order
        if client_oid is not None:
            self._by_client_oid.setdefault(client_oid, []).append(order)
        if order.is_stop:
            self._stops.append(order)
            self._trigger_stops()
        else:
            self._work(order)
        self._absorb_fills()
        return order

    def _reducible(self, spec: OrderSpec, side: Side) -> int:
        position = self.positions.get(spec.contract.symbol, 0)
        opposite = position > 0 if side is Side.SELL else position < 0
        return abs(position) if opposite else 0

    def _work(self, order: KucoinOrder) -> None:
        spec, now = order.spec, self.now()
        order.working_lots = order.lots
        if spec.reduce_only or spec.close_order:
            order.working_lots = min(order.lots, self._reducible(spec, order.side))
            if order.working_lots == 0:
                order.local_end = now
                return
        if spec.post_only and spec.price is not None:
            bid, ask = self.engine.best_bid_ask(order.contract.pair)
            if spec.price >= ask if order.side is Side.BUY else spec.price <= bid:
                order.local_end = now  # §6.21: a post-only that would take is canceled
                return
        if spec.order_type == "market":
            strategy = Strategy.MARKET
        else:
            strategy = Strategy.IOC if spec.time_in_force == "IOC" else Strategy.LIMIT
        request = OrderRequest(
            pair=order.contract.pair,
            side=order.side,
            quantity=order.contract.base_qty(order.working_lots),
            strategy=strategy,
            limit_price=spec.price,
        )
        order.engine_order = self.engine.submit(request)
        self._live.append(order)

    # Cancel ------------------------------------------------------------------------------------

    def cancel(self, order: KucoinOrder) -> bool:
        """Cancel an active order or an untriggered stop order (§6.13).

        Returns:
            True if canceled now, False if it was not cancelable (done).
        """
        if not order.is_active:
            return False
        if order.engine_order is None:
            order.local_end = self.now()
            self._stops.remove(order)
            return True
        try:
            self.engine.cancel(order.engine_order.order_id)
        except OrderRefused:
            return False
        self._absorb_fills()
        return True

    # Lookups -----------------------------------------------------------------------------------

    def by_client_oid(self, client_oid: str, symbol: str | None = None) -> KucoinOrder | None:
        """The most recent order with this `clientOid` (and symbol when given) (§6.15)."""
        for order in reversed(self._by_client_oid.get(client_oid, [])):
            if symbol in (None, order.contract.symbol):
                return order
        return None

    def open_orders(self) -> list[KucoinOrder]:
        """Active orders in the engine (untriggered stops excluded, §6.13), as of the last
        `sync()`, in the order they reached the engine."""
        return list(self._live)

    def untriggered(self) -> list[KucoinOrder]:
        """Untriggered stop orders, oldest first."""
        return list(self._stops)

    # Lazy progress -----------------------------------------------------------------------------

    def sync(self) -> None:
        """Catch up with the engine: new fills, TP/SL legs, triggered stop orders."""
        self.engine.advance()
        self._absorb_fills()
        self._trigger_stops()
        self._absorb_fills()

    def _trigger_stops(self) -> None:
        for order in list(self._stops):
            spec = order.spec
            assert spec.stop_price is not None
            mid = self.engine.mid_price(order.contract.pair)
            if mid >= spec.stop_price if spec.stop == "up" else mid <= spec.stop_price:
                self._stops.remove(order)
                order.triggered = self.now()
                self._work(order)

    def _absorb_fills(self) -> None:
        pending: list[tuple[datetime, int, int, KucoinOrder, SimFill]] = []
        for rank, order in enumerate(self._live):
            engine_order = order.engine_order
            assert engine_order is not None
            new = engine_order.fills[order.engine_fills_seen :]
            order.engine_fills_seen += len(new)
            pending.extend((f.ts, rank, i, order, f) for i, f in enumerate(new))
        for _, _, _, order, sim_fill in sorted(pending, key=lambda item: item[:3]):
            self._absorb(order, sim_fill)
        live: list[KucoinOrder] = []
        done: list[KucoinOrder] = []
        for order in self._live:
            assert order.engine_order is not None
            (done if order.engine_order.is_terminal else live).append(order)
        self._live = live
        for order in done:
            self._spawn_legs(order)

    def _absorb(self, order: KucoinOrder, sim_fill: SimFill) -> None:
        contract = order.contract
        order.engine_filled_qty += sim_fill.quantity
        lots = contract.whole_lots(order.engine_filled_qty) - order.filled_lots
        if lots <= 0:
            return
        symbol = contract.symbol
        position = self.positions.get(symbol, 0)
        signed = lots if order.side is Side.BUY else -lots
        closing = min(lots, abs(position)) if position * signed < 0 else 0
        value = contract.value(lots, sim_fill.price)
        rate, fee = fee_of(value, sim_fill.role)
        close_fee = (fee * closing / lots).quantize(FEE_QUANTUM)
        fill = KucoinFill(
            trade_id=self._trade_ids.next(),
            order=order,
            lots=lots,
            price=sim_fill.price,
            liquidity=sim_fill.role,
            ts=sim_fill.ts,
            value=value,
            fee_rate=rate,
            open_fee=fee - close_fee,
            close_fee=close_fee,
        )
        self.positions[symbol] = position + signed
        order.fills.append(fill)
        order.filled_lots += lots
        order.filled_value += value
        self.fills.append(fill)

    def _spawn_legs(self, order: KucoinOrder) -> None:
        # §6.14 (emulator-specific): a filled /st-orders order spawns reduce-only market stop
        # orders on the closing side for its filled lots: `up` at triggerStopUpPrice and
        # `down` at triggerStopDownPrice; each is independent (no OCO link is documented).
        spec = order.spec
        if order.legs_spawned or order.filled_lots == 0:
            return
        order.legs_spawned = True
        closing = Side.SELL if order.side is Side.BUY else Side.BUY
        for direction, trigger in (("up", spec.trigger_up), ("down", spec.trigger_down)):
            if trigger is None:
                continue
            leg = dataclasses.replace(
                spec,
                side=closing,
                order_type="market",
                lots=order.filled_lots,
                price=None,
                time_in_force="GTC",
                post_only=False,
                hidden=False,
                iceberg=False,
                visible_size=None,
                stop=direction,
                stop_price=trigger,
                reduce_only=True,
                close_order=False,
                trigger_up=None,
                trigger_down=None,
            )
            self._create(leg, None, closing, order.filled_lots)
