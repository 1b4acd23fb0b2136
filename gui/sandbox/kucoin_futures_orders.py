"""The KuCoin Futures emulator's order and fill records, and its id sources.

A `KucoinOrder` is KuCoin's view of one order (notes.md §2.4, §3): lots, the checked request,
and, once worked, the engine's `SimOrder` behind it; a `KucoinFill` is one FillRecord (§2.5)
in whole lots. Ids follow decision §6.25: 18-digit order ids, 13-digit trade ids, increasing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from gui.domain.orders import Side
from gui.sandbox.engine import SimOrder
from gui.sandbox.kucoin_futures_contracts import Contract
from gui.sandbox.kucoin_futures_input import OrderSpec
from gui.sandbox.sim_order import SimStatus


class IdSource:
    """Increasing numeric string ids, never reused across restarts: each is at least the
    wall-clock milliseconds times `scale`, so ids only run ahead of the clock under a
    sustained burst (more than `scale` ids per millisecond)."""

    def __init__(self, scale: int) -> None:
        """Start before any id.

        Args:
            scale: 1 for 13-digit ids (ms), 100000 for 18-digit ones.
        """
        self._scale = scale
        self._last = 0

    def next(self) -> str:
        """The next id."""
        self._last = max(self._last + 1, int(time.time() * 1000) * self._scale)
        return str(self._last)


@dataclass(slots=True, eq=False)
class KucoinFill:
    """One KuCoin fill (FillRecord, notes.md §2.5), whole lots.

    Attributes:
        trade_id: 13-digit numeric string.
        order: The order that filled.
        lots: Lots filled.
        price: USDT per base unit.
        liquidity: `maker` or `taker`.
        ts: When (sandbox time, aware UTC).
        value: Notional, USDT.
        fee_rate: Fraction of `value`.
        open_fee: Part of the fee on lots that opened a position, USDT.
        close_fee: Part of the fee on lots that reduced one, USDT.
    """

    trade_id: str
    order: KucoinOrder
    lots: int
    price: Decimal
    liquidity: str
    ts: datetime
    value: Decimal
    fee_rate: Decimal
    open_fee: Decimal
    close_fee: Decimal

    @property
    def fee(self) -> Decimal:
        """Total fee, USDT."""
        return self.open_fee + self.close_fee


@dataclass(slots=True, eq=False)
class KucoinOrder:
    """One KuCoin order as the book sees it.

    Attributes:
        order_id: 18-digit numeric string.
        client_oid: The caller's id (None for the TP/SL legs the book creates).
        spec: The checked request.
        side: Resolved side (from the position for `closeOrder`).
        lots: Order size, lots.
        created: Sandbox time of acceptance.
        working_lots: Lots sent to the engine (fewer than `lots` when reduce-only capped).
        engine_order: The engine's order once submitted (read only).
        triggered: When a stop order triggered.
        local_end: When it ended without the engine (canceled stop, post-only that would
            have taken liquidity, reduce-only with nothing to reduce).
        fills: Its KuCoin fills, oldest first.
        filled_lots: Lots filled.
        filled_value: USDT value filled.
        engine_fills_seen: Engine fills already turned into KuCoin fills.
        engine_filled_qty: Base quantity of those engine fills.
        legs_spawned: TP/SL legs created (TP/SL orders only).
    """

    order_id: str
    client_oid: str | None
    spec: OrderSpec
    side: Side
    lots: int
    created: datetime
    working_lots: int = 0
    engine_order: SimOrder | None = None
    triggered: datetime | None = None
    local_end: datetime | None = None
    fills: list[KucoinFill] = field(default_factory=list)
    filled_lots: int = 0
    filled_value: Decimal = Decimal(0)
    engine_fills_seen: int = 0
    engine_filled_qty: Decimal = Decimal(0)
    legs_spawned: bool = False

    @property
    def contract(self) -> Contract:
        """The contract."""
        return self.spec.contract

    @property
    def is_stop(self) -> bool:
        """True for an order carrying `stop`/`stopPrice`."""
        return self.spec.stop is not None

    @property
    def is_untriggered(self) -> bool:
        """A stop order still waiting for its trigger (listed by `/stopOrders`)."""
        return self.is_stop and self.triggered is None and self.local_end is None

    @property
    def is_active(self) -> bool:
        """`isActive`: untriggered, or working in the engine."""
        if self.local_end is not None:
            return False
        return self.engine_order is None or not self.engine_order.is_terminal

    @property
    def cancel_exist(self) -> bool:
        """`cancelExist`: done with some size canceled (notes.md §3 "Statuses")."""
        if self.is_active:
            return False
        engine_order = self.engine_order
        if self.local_end is not None or engine_order is None:
            return True
        return engine_order.status is not SimStatus.COMPLETE or self.working_lots < self.lots

    @property
    def end(self) -> datetime | None:
        """`endAt`: when it became done, None while active."""
        if self.is_active:
            return None
        if self.local_end is not None:
            return self.local_end
        assert self.engine_order is not None
        return self.engine_order.updated_ts

    @property
    def updated(self) -> datetime:
        """`updatedAt`: the last change."""
        times = [self.created, self.triggered, self.local_end]
        if self.engine_order is not None:
            times.append(self.engine_order.updated_ts)
        return max(ts for ts in times if ts is not None)
