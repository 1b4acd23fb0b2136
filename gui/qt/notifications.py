"""Status-bar and desktop (tray) notifications for fills, rejections and disconnections.

The desk's panes show everything; these notices are for the trader who is looking elsewhere.
Events are coalesced: the first one starts a `COALESCE_MS` window, and everything arriving in
it becomes one notice ("5 fills: bought 2.5 BTC-USDT @ avg 65,010.20 ..."), so a busy algo
or a kill switch never floods the status bar. The notice goes to the status bar and, when the
desk window is not the active one and the platform has a system tray, to a tray balloon, at
most one per `TRAY_MIN_INTERVAL_MS` (what arrives in between joins the next balloon).

What counts: fills and rejected orders that happened in the last `RECENT_S` seconds (so the
journal's history, replayed at start, stays quiet), venue refusals of an action (error kind
REJECTED), and a venue account turning DISCONNECTED (and back). Text is redacted like the
error pane's before it leaves the process in a tray balloon.

View > Notifications turns all of it off and on; the choice is saved under
`SETTINGS_NOTIFICATIONS`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from gui.domain.orders import Fill, Order, OrderStatus, Side, utc_now
from gui.oms.events import ErrorEvent, ErrorKind, VenueHealth, VenueState
from gui.oms.redaction import redact
from gui.qt.bridge import DeskBridge
from gui.qt.icons import desk_icon
from gui.qt.theme import format_decimal, format_price

__all__ = [
    "COALESCE_MS",
    "RECENT_S",
    "SETTINGS_NOTIFICATIONS",
    "TRAY_MIN_INTERVAL_MS",
    "DeskNotifier",
    "Notice",
    "NoticeBatch",
    "summarize",
    "tray_wanted",
]

COALESCE_MS = 1000
"""Events within this many milliseconds of the first become one notice."""
TRAY_MIN_INTERVAL_MS = 10_000
"""Shortest gap between two tray balloons, in milliseconds."""
STATUS_MESSAGE_MS = 8000
"""How long a notice stays in the status bar, in milliseconds."""
RECENT_S = 120.0
"""Fills and rejections older than this many seconds (journal replay) are not announced."""
SETTINGS_NOTIFICATIONS = "notifications/enabled"
"""QSettings key of the View > Notifications toggle (bool, default on)."""
_LISTED = 3
"""Items named in one notice line; the rest are counted ("+2 more")."""


@dataclass(slots=True)
class NoticeBatch:
    """What happened since the last notice, in arrival order.

    Attributes:
        fills: New fills.
        rejections: One line per rejected order or refused action.
        disconnections: One line per venue account that went DISCONNECTED.
        reconnections: `venue/account` of each account that came back from DISCONNECTED.
        rejected_ids: Client order ids already among `rejections` (an error about the same
            order is not announced twice).
    """

    fills: list[Fill] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)
    disconnections: list[str] = field(default_factory=list)
    reconnections: list[str] = field(default_factory=list)
    rejected_ids: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.fills or self.rejections or self.disconnections or self.reconnections)

    def merge(self, other: NoticeBatch) -> None:
        """Append `other`'s events to this batch."""
        self.fills.extend(other.fills)
        self.rejections.extend(other.rejections)
        self.disconnections.extend(other.disconnections)
        self.reconnections.extend(other.reconnections)
        self.rejected_ids |= other.rejected_ids


@dataclass(frozen=True, slots=True)
class Notice:
    """One coalesced notification.

    Attributes:
        title: The headline, most serious event first ("Venue disconnected", "2 rejections",
            "5 fills").
        lines: One line per kind of event, most serious first (the tray balloon's body).
        warning: A disconnection or a rejection is among them (tray warning icon).
    """

    title: str
    lines: tuple[str, ...]
    warning: bool

    @property
    def message(self) -> str:
        """All lines in one, for the status bar."""
        return " · ".join(self.lines)


def _more(items: Sequence[str], separator: str) -> str:
    text = separator.join(items[:_LISTED])
    return f"{text} (+{len(items) - _LISTED} more)" if len(items) > _LISTED else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _fills_line(fills: Sequence[Fill]) -> str:
    groups: dict[tuple[Side, str], list[Fill]] = {}
    for fill in fills:
        groups.setdefault((fill.side, fill.pair), []).append(fill)
    parts = []
    for (side, pair), group in groups.items():
        quantity = sum((fill.quantity for fill in group), Decimal(0))
        notional = sum((fill.notional for fill in group), Decimal(0))
        verb = "bought" if side == Side.BUY else "sold"
        price = format_price(notional / quantity) if quantity > 0 else ""
        at = f" @ avg {price}" if len(group) > 1 else f" @ {price}"
        parts.append(f"{verb} {format_decimal(quantity)} {pair}{at if price else ''}")
    return f"{_plural(len(fills), 'fill')}: {_more(parts, ', ')}"


def summarize(batch: NoticeBatch) -> Notice | None:
    """The notice for a batch, None for an empty one.

    Args:
        batch: The events to announce.

    Returns:
        A notice whose lines read, most serious first: disconnections, rejections, fills,
        reconnections. Quantities and prices are exact (`Decimal`), prices averaged by
        quantity per side and pair.
    """
    lines: list[str] = []
    title = ""
    if batch.disconnections:
        count = len(batch.disconnections)
        title = "Venue disconnected" if count == 1 else f"{count} venue accounts disconnected"
        lines.append(_more(batch.disconnections, "; "))
    if batch.rejections:
        heading = _plural(len(batch.rejections), "rejection")
        title = title or ("Rejected" if len(batch.rejections) == 1 else heading)
        lines.append(f"{heading}: {_more(batch.rejections, '; ')}")
    if batch.fills:
        title = title or _plural(len(batch.fills), "fill")
        lines.append(_fills_line(batch.fills))
    if batch.reconnections:
        title = title or "Venue reconnected"
        lines.append(f"{_more(batch.reconnections, ', ')} reconnected")
    if not lines:
        return None
    return Notice(title, tuple(lines), bool(batch.disconnections or batch.rejections))


def tray_wanted(*, enabled: bool, tray_available: bool, window_active: bool) -> bool:
    """Whether a notice also goes to a tray balloon.

    Args:
        enabled: View > Notifications is on.
        tray_available: The platform has a system tray (`QSystemTrayIcon.
            isSystemTrayAvailable()`; never offscreen).
        window_active: The desk window is the active window (the trader sees the status bar).

    Returns:
        True only when all of: enabled, a tray exists, and the desk is not in front.
    """
    return enabled and tray_available and not window_active


class DeskNotifier(QObject):
    """Turns bridge events into coalesced status-bar messages and tray balloons.

    `listen_to(bridge)` connects `on_fills`, `on_orders`, `on_error` and `on_health` to the
    `DeskBridge` signals `fills_added`, `orders_changed`, `error_raised` and `health_changed`.

    Signals:
        notified (Notice): a notice was shown in the status bar.
        tray_shown (Notice): a notice was shown as a tray balloon.

    Attributes:
        toggle_action: View > Notifications (checkable, objectName `action.notifications`).
        tray: The tray icon, None when the platform has no system tray.

    Args:
        window: The desk window: its status bar shows notices, its activity decides the tray.
        settings: Where the toggle is saved.
        tray: The tray icon to use; by default one is made (and shown) when
            `QSystemTrayIcon.isSystemTrayAvailable()`.
        clock: The current aware UTC time, for `RECENT_S`.
        coalesce_ms: The coalescing window, milliseconds.
        tray_min_interval_ms: Shortest gap between balloons, milliseconds.
    """

    notified = Signal(object)
    tray_shown = Signal(object)

    def __init__(
        self,
        window: QMainWindow,
        settings: QSettings,
        *,
        tray: QSystemTrayIcon | None = None,
        clock: Callable[[], datetime] = utc_now,
        coalesce_ms: int = COALESCE_MS,
        tray_min_interval_ms: int = TRAY_MIN_INTERVAL_MS,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._clock = clock
        self._batch = NoticeBatch()
        self._tray_batch = NoticeBatch()
        self._tray_min_interval_ms = tray_min_interval_ms
        self._last_tray_s: float | None = None
        self._states: dict[tuple[str, str], VenueState] = {}
        self._rejected_seen: set[str] = set()
        if tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            tray = QSystemTrayIcon(desk_icon(), self)
            tray.setToolTip("OrderDesk")
            tray.activated.connect(lambda _reason: self._bring_window_forward())
            tray.show()
        self.tray = tray
        self.toggle_action = QAction("Notifications", window)
        self.toggle_action.setObjectName("action.notifications")
        self.toggle_action.setCheckable(True)
        self.toggle_action.setStatusTip(
            "Announce fills, rejections and venue disconnections in the status bar and tray"
        )
        saved = settings.value(SETTINGS_NOTIFICATIONS, True, type=bool)
        self.toggle_action.setChecked(bool(saved))
        self.toggle_action.toggled.connect(self._on_toggled)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(coalesce_ms)
        self._timer.timeout.connect(self.flush)
        self._tray_timer = QTimer(self)
        self._tray_timer.setSingleShot(True)
        self._tray_timer.timeout.connect(self._show_tray)

    @property
    def enabled(self) -> bool:
        """View > Notifications is on."""
        return self.toggle_action.isChecked()

    # -- inputs (bridge signals) ---------------------------------------------------------------

    def listen_to(self, bridge: DeskBridge) -> None:
        """Connect the `on_*` slots to the bridge's batched signals."""
        bridge.fills_added.connect(self.on_fills)
        bridge.orders_changed.connect(self.on_orders)
        bridge.error_raised.connect(self.on_error)
        bridge.health_changed.connect(self.on_health)

    def on_fills(self, fills: Sequence[Fill]) -> None:
        """Queue the recent ones of a batch of new fills."""
        if not self.enabled:
            return
        since = self._since()  # once a batch: a restored day brings 80,000 fills at once
        recent = [fill for fill in fills if fill.ts >= since]
        if recent:
            self._batch.fills.extend(recent)
            self._schedule()

    def on_orders(self, orders: Sequence[Order]) -> None:
        """Queue orders that turned REJECTED recently (each one once)."""
        since = self._since()
        for order in orders:
            if order.status != OrderStatus.REJECTED or order.client_order_id in self._rejected_seen:
                continue
            self._rejected_seen.add(order.client_order_id)
            if not self.enabled or order.updated_ts < since:
                continue
            what = f"{order.side} {format_decimal(order.quantity)} {order.pair} on {order.venue}"
            self._batch.rejections.append(f"{what}: {order.reason}" if order.reason else what)
            self._batch.rejected_ids.add(order.client_order_id)
            self._schedule()

    def on_error(self, event: ErrorEvent) -> None:
        """Queue a venue's refusal of an action (error kind REJECTED); other errors stay in
        the error pane."""
        if event.kind != ErrorKind.REJECTED or not self.enabled:
            return
        if event.client_order_id and event.client_order_id in self._batch.rejected_ids:
            return
        self._batch.rejections.append(
            f"{event.venue}: {event.message}" if event.venue else event.message
        )
        self._schedule()

    def on_health(self, health: VenueHealth) -> None:
        """Queue a venue account going DISCONNECTED, or coming back from it."""
        key = (health.venue, health.account)
        before = self._states.get(key)
        self._states[key] = health.state
        if not self.enabled or before == health.state:
            return
        name = f"{health.venue}/{health.account}"
        if health.state == VenueState.DISCONNECTED:
            why = f": {health.last_error}" if health.last_error else ""
            self._batch.disconnections.append(f"{name} disconnected{why}")
            self._schedule()
        elif before == VenueState.DISCONNECTED and health.state == VenueState.OK:
            self._batch.reconnections.append(name)
            self._schedule()

    # -- output --------------------------------------------------------------------------------

    def flush(self) -> None:
        """Show what is queued now (the coalescing timer calls this; tests may too)."""
        self._timer.stop()
        batch, self._batch = self._batch, NoticeBatch()
        notice = summarize(batch)
        if notice is None or not self.enabled:
            return
        self._window.statusBar().showMessage(redact(notice.message), STATUS_MESSAGE_MS)
        self.notified.emit(notice)
        window_active = self._window.isActiveWindow()
        if tray_wanted(
            enabled=True, tray_available=self.tray is not None, window_active=window_active
        ):
            self._tray_batch.merge(batch)
            waited_ms = (
                None if self._last_tray_s is None else (time.monotonic() - self._last_tray_s) * 1000
            )
            if waited_ms is None or waited_ms >= self._tray_min_interval_ms:
                self._show_tray()
            elif not self._tray_timer.isActive():
                self._tray_timer.start(int(self._tray_min_interval_ms - waited_ms))

    def _show_tray(self) -> None:
        batch, self._tray_batch = self._tray_batch, NoticeBatch()
        notice = summarize(batch)
        if notice is None or self.tray is None or not self.enabled:
            return
        self._last_tray_s = time.monotonic()
        icon = (
            QSystemTrayIcon.MessageIcon.Warning
            if notice.warning
            else QSystemTrayIcon.MessageIcon.Information
        )
        body = "\n".join(redact(line) for line in notice.lines)
        self.tray.showMessage(notice.title, body, icon, STATUS_MESSAGE_MS)
        self.tray_shown.emit(notice)

    # -- plumbing ------------------------------------------------------------------------------

    def _since(self) -> datetime:
        """The oldest time that still counts as recent."""
        return self._clock() - timedelta(seconds=RECENT_S)

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _on_toggled(self, enabled: bool) -> None:
        self._settings.setValue(SETTINGS_NOTIFICATIONS, enabled)
        if not enabled:
            self._timer.stop()
            self._tray_timer.stop()
            self._batch = NoticeBatch()
            self._tray_batch = NoticeBatch()

    def _bring_window_forward(self) -> None:
        window = self._window
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()
