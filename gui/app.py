"""Composition root: arguments, QApplication, the qasync loop and the wiring; nothing else.

`orderdesk` opens the desk on the embedded sandbox (started as a child process);
`orderdesk --screenshot FILE --demo-orders N` submits N demo orders through the same
service the ticket uses, waits until each has a fill, saves a PNG of the window, exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from gui.oms.demo import demo_tickets
from gui.oms.events import ErrorEvent, ErrorKind
from gui.oms.polling import VenuePoller
from gui.oms.profiles import load_profiles
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.qt.bridge import DeskBridge
from gui.qt.gc_guard import GarbageCollectorGuard
from gui.qt.main_window import MainWindow
from gui.qt.theme import apply_theme
from gui.sandbox.process import SandboxProcess
from gui.venues.base import VenueClient
from gui.venues.registry import build_clients

log = logging.getLogger("gui")

SCREENSHOT_TIMEOUT_S = 90.0
"""Longest the screenshot mode waits for every demo order's first fill, in seconds."""
DEFAULT_SPEED = 20.0
"""Sandbox seconds per real second by default: a 20-minute TWAP finishes in a minute."""


@dataclass
class Desk:
    """Everything the composition root wired together, for shutdown and tests."""

    store: OrderStore
    service: OrderService
    pollers: list[VenuePoller]
    bridge: DeskBridge
    window: MainWindow
    clients: dict[tuple[str, str], VenueClient]

    def start(self) -> None:
        """Start polling every venue account and load the venues' instruments for the ticket
        (in the background: the window never waits for a venue)."""
        for poller in self.pollers:
            poller.start()
        self.bridge.run(self.load_instruments(), "load instruments")

    async def load_instruments(self) -> None:
        """Load each venue's instruments and give them to the ticket."""
        profiles = await load_profiles(self.clients, self.service.errors)
        self.window.ticket.set_profiles(profiles)

    async def aclose(self) -> None:
        """Stop polling, background work and connections; save the layout."""
        self.window.save_layout()
        await asyncio.gather(*(poller.stop() for poller in self.pollers))
        await self.bridge.aclose()
        await self.service.aclose()
        await asyncio.gather(*(client.aclose() for client in self.clients.values()))


def build_desk(
    endpoints: Mapping[str, Mapping[str, Any]],
    settings: QSettings,
    *,
    fast_interval_s: float = 1.0,
    slow_interval_s: float = 5.0,
) -> Desk:
    """Wire store, service, pollers, bridge and window for the venues in `endpoints`.

    Args:
        endpoints: Venue -> `{"base_url", "credentials", "accounts"}` (the sandbox's line).
        settings: Where the window layout lives.
        fast_interval_s: Poll interval while orders work, seconds.
        slow_interval_s: Poll interval when idle, seconds.
    """
    clients = build_clients(endpoints)
    store = OrderStore()
    service = OrderService(store, clients)
    bridge = DeskBridge()
    store.changed.subscribe(bridge.on_store_change)
    service.errors.subscribe(bridge.on_error)
    pollers = []
    for client in clients.values():
        poller = VenuePoller(
            client, store, fast_interval_s=fast_interval_s, slow_interval_s=slow_interval_s
        )
        poller.errors.subscribe(bridge.on_error)
        poller.health.subscribe(bridge.on_health)
        pollers.append(poller)
    window = MainWindow(service, store, bridge, settings)
    return Desk(store, service, pollers, bridge, window, clients)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The `orderdesk` command line."""
    parser = argparse.ArgumentParser(
        prog="orderdesk", description="OrderDesk order-management desk"
    )
    parser.add_argument("--screenshot", metavar="FILE", help="save a PNG of the desk and exit")
    parser.add_argument(
        "--demo-orders",
        type=int,
        default=0,
        metavar="N",
        help="submit N demo orders on start (screenshot mode: wait for fills)",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=DEFAULT_SPEED,
        help=f"sandbox speed factor (default {DEFAULT_SPEED:g})",
    )
    parser.add_argument("--seed", type=int, default=7, help="sandbox market seed")
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help="layout settings file (default: the user's config folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


async def submit_demo_orders(desk: Desk, count: int) -> list[str]:
    """Submit `count` demo orders through the service; returns their client order ids."""
    ids = []
    for ticket in demo_tickets(desk.service.accounts, count):
        order = await desk.service.submit(ticket)
        ids.append(order.client_order_id)
    for poller in desk.pollers:
        poller.poke()
    return ids


async def wait_for_first_fills(desk: Desk, client_order_ids: list[str], timeout_s: float) -> None:
    """Wait until every order has at least one fill and the charted one has a few.

    Raises:
        TimeoutError: Not within `timeout_s`.
    """

    async def filled() -> None:
        while True:
            counts = [len(desk.store.fills(cid)) for cid in client_order_ids]
            if all(counts) and counts[0] >= 3:
                return
            await asyncio.sleep(0.1)

    await asyncio.wait_for(filled(), timeout_s)


async def _take_screenshot(desk: Desk, path: str, count: int) -> int:
    ids = await submit_demo_orders(desk, max(count, 1))
    try:
        await wait_for_first_fills(desk, ids, SCREENSHOT_TIMEOUT_S)
    except TimeoutError:
        log.error("not every demo order was filled within %.0f s", SCREENSHOT_TIMEOUT_S)
        return 1
    desk.bridge.flush()
    desk.window.blotter.select_client_order_ids([ids[0]])
    await asyncio.sleep(0.3)  # let the widgets paint the last batch
    if not desk.window.grab().save(path):
        log.error("could not write %s", path)
        return 1
    log.info("saved %s", path)
    return 0


async def _run(app: QApplication, args: argparse.Namespace) -> int:
    sandbox = SandboxProcess(seed=args.seed, speed=args.speed)
    endpoints = await sandbox.start()
    settings = (
        QSettings(args.settings, QSettings.Format.IniFormat) if args.settings else QSettings()
    )
    desk = build_desk(endpoints, settings)
    install_excepthook(desk.bridge)
    closed = asyncio.Event()
    # The desk decides when to stop (after saving, stopping pollers and the sandbox); Qt
    # quitting by itself would stop the loop under the shutdown coroutine.
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(closed.set)
    # Ctrl+C or SIGTERM close the desk the normal way: layout saved, pollers stopped, sandbox
    # stopped. (The handler runs at the next Python callback, at most a status tick away.)
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: app.closeAllWindows())
    try:
        desk.window.show()
        desk.start()
        if args.screenshot:
            return await _take_screenshot(desk, args.screenshot, args.demo_orders)
        if args.demo_orders:
            await submit_demo_orders(desk, args.demo_orders)
        await closed.wait()
        return 0
    finally:
        sys.excepthook = sys.__excepthook__
        await desk.aclose()
        sandbox.stop()


def install_excepthook(bridge: DeskBridge) -> None:
    """Send exceptions that escape a Qt slot or callback to the log and the error pane."""

    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        log.error("unhandled exception", exc_info=(kind, value, tb))
        bridge.on_error(ErrorEvent(f"internal error: {value!r}", ErrorKind.INTERNAL))

    sys.excepthook = hook


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desk; returns the process exit code."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    QApplication.setOrganizationName("OrderDesk")
    QApplication.setApplicationName("OrderDesk")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    guard = GarbageCollectorGuard(app)  # Qt objects are only ever freed on this thread
    try:
        return int(qasync.run(_run(app, args)))
    finally:
        guard.stop()
