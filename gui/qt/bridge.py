"""The one place OMS events become Qt signals, coalesced to about one batch per frame.

The store may publish thousands of changes a second during a busy poll; the bridge keeps
the latest state of each changed order and the new fills, and hands them to the widgets
every `FLUSH_INTERVAL_MS` in one batch. It also owns the desk's background coroutines:
`run()` starts one as a task, keeps it until it ends, and sends its exception to the
error pane instead of letting it vanish.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from gui.domain.errors import OrderDeskError
from gui.domain.orders import Fill, Order
from gui.oms.events import ErrorEvent, ErrorKind, StoreChange, VenueHealth
from gui.oms.redaction import redact

log = logging.getLogger(__name__)

FLUSH_INTERVAL_MS = 100
"""Longest a change waits before the widgets see it, in milliseconds."""


class DeskBridge(QObject):
    """Re-emits OMS events on the GUI thread, batched.

    Signals:
        orders_changed (list[Order]): the latest state of every order changed since the
            last batch, in first-change order.
        fills_added (list[Fill]): fills new since the last batch, oldest first.
        error_raised (ErrorEvent): one line for the error pane.
        health_changed (VenueHealth): a venue account's polling health.
    """

    orders_changed = Signal(object)
    fills_added = Signal(object)
    error_raised = Signal(object)
    health_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._orders: dict[str, Order] = {}
        self._fills: list[Fill] = []
        self._errors: list[ErrorEvent] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)

    # -- inputs (OMS subscribers) --------------------------------------------------------------

    def on_store_change(self, change: StoreChange) -> None:
        """Queue a store change for the next batch."""
        for order in change.orders:
            self._orders[order.client_order_id] = order
        self._fills.extend(change.fills)
        self._schedule()

    def on_error(self, event: ErrorEvent) -> None:
        """Queue an error for the error pane, secrets masked (issue 5 §8: never in the
        error pane)."""
        message = redact(event.message)
        self._errors.append(event if message == event.message else replace(event, message=message))
        self._schedule()

    def on_health(self, health: VenueHealth) -> None:
        """Pass venue health straight on (it is rare)."""
        self.health_changed.emit(health)

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Emit everything queued now (the timer calls this; tests may too)."""
        self._timer.stop()
        orders, self._orders = list(self._orders.values()), {}
        fills, self._fills = self._fills, []
        errors, self._errors = self._errors, []
        if orders:
            self.orders_changed.emit(orders)
        if fills:
            self.fills_added.emit(fills)
        for event in errors:
            self.error_raised.emit(event)

    # -- owned background work ---------------------------------------------------------------

    def run(self, coroutine: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run a coroutine as a task the bridge owns; its failure reaches the error pane.

        Args:
            coroutine: The work, e.g. `service.cancel(ids)`.
            what: A few words for the error pane if it fails ("cancel 3 orders").
        """
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(done, what))
        return task

    def _finished(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        if isinstance(exc, OrderDeskError):
            self.on_error(ErrorEvent(f"{what}: {exc}", ErrorKind.REJECTED))
        else:
            log.error("%s failed", what, exc_info=exc)
            self.on_error(ErrorEvent(f"{what} failed unexpectedly: {exc!r}", ErrorKind.INTERNAL))

    async def aclose(self) -> None:
        """Cancel and await every owned task."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
