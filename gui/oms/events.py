"""What the OMS publishes: order/fill changes, errors for the error pane, venue health.

`Signal[T]` is a tiny synchronous publisher: subscribers are called in order, and one
subscriber's exception is logged and isolated so it can never stop the others (a pitfall
other trading UIs hit: one bad handler silently froze every pane).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from gui.domain.orders import Fill, Order, utc_now

log = logging.getLogger(__name__)

T = TypeVar("T")


class Signal(Generic[T]):
    """Publish values of type T to subscribers, isolating their failures."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._subscribers: list[Callable[[T], None]] = []

    def subscribe(self, callback: Callable[[T], None]) -> None:
        """Call `callback(value)` on every publish, in subscription order."""
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[T], None]) -> None:
        """Stop calling `callback`; unknown callbacks are ignored."""
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def publish(self, value: T) -> None:
        """Hand `value` to every subscriber; a failing subscriber is logged, never re-raised."""
        for callback in list(self._subscribers):
            try:
                callback(value)
            except Exception:
                log.exception("subscriber %r of %s failed", callback, self._name)


@dataclass(frozen=True, slots=True)
class StoreChange:
    """One batch of changes the store applied.

    Attributes:
        orders: Orders that are new or changed, in their new state.
        fills: Fills that are new (duplicates already dropped).
    """

    orders: tuple[Order, ...] = ()
    fills: tuple[Fill, ...] = ()


class ErrorKind(StrEnum):
    """Where an error came from, for the error pane's colour and filter."""

    VALIDATION = "validation"
    """The trader's input was refused before anything was sent."""
    REJECTED = "rejected"
    """The venue refused a request."""
    NETWORK = "network"
    """No answer, timeout, or a 5xx from the venue."""
    INTERNAL = "internal"
    """A bug or unexpected condition in OrderDesk itself."""
    WARNING = "warning"
    """Something the trader should know that is not a failure (e.g. an unknown status)."""


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """One line of the error pane.

    Attributes:
        message: What happened, keeping the venue's own words.
        kind: Category.
        venue: Venue name, "" when not venue-specific.
        client_order_id: The order concerned, "" when none.
        ts: When it happened (aware UTC).
    """

    message: str
    kind: ErrorKind
    venue: str = ""
    client_order_id: str = ""
    ts: datetime = field(default_factory=utc_now)


class VenueState(StrEnum):
    """A venue account's connection state, for the status bar and the blotter.

    The poller moves OK -> DEGRADED on the first failed poll, DEGRADED -> DISCONNECTED once
    `DISCONNECT_AFTER_FAILURES` polls in a row have failed (see `gui.oms.polling`), and
    back to OK on the next good poll.
    """

    CONNECTING = "connecting"
    """No poll has finished yet."""
    OK = "ok"
    """The last poll succeeded."""
    DEGRADED = "degraded"
    """The last poll failed (fewer than `DISCONNECT_AFTER_FAILURES` in a row); older data is
    shown."""
    DISCONNECTED = "disconnected"
    """Repeated polls failed: the account's working orders may be out of date (stale)."""
    STOPPED = "stopped"
    """Polling is stopped."""


STALE_STATES: frozenset[VenueState] = frozenset({VenueState.DISCONNECTED})
"""States in which the blotter marks the account's working orders as stale."""


@dataclass(frozen=True, slots=True)
class VenueHealth:
    """A venue account's polling health.

    Attributes:
        venue: Venue name.
        account: Account name.
        state: Connection state.
        last_success_ts: End of the last good poll (aware UTC), None before the first.
        last_error: Text of the last failure, "" if the last poll succeeded.
        consecutive_failures: Polls failed in a row since the last good one (0 after a
            good poll); `DISCONNECTED` from `DISCONNECT_AFTER_FAILURES` on.
    """

    venue: str
    account: str
    state: VenueState
    last_success_ts: datetime | None = None
    last_error: str = ""
    consecutive_failures: int = 0

    @property
    def stale(self) -> bool:
        """True when the account's working orders may be out of date (`STALE_STATES`)."""
        return self.state in STALE_STATES
