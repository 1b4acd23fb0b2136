"""Composition root: QApplication, the qasync loop and the wiring; nothing else. The command
line is read, and the sandbox spawned, by `gui.launch`, which then calls `run`.

`orderdesk` trades the live accounts of `accounts.toml` in the user's config directory
(written by Settings > Accounts…, gui/oms/account_book.py) when it has any, else opens the
desk on the embedded sandbox (started as a child process), marked SANDBOX in the title and
the status bar; `orderdesk --sandbox` always opens the sandbox; `orderdesk --accounts FILE`
trades the live accounts of that TOML file, their secrets from the OS keyring
(gui/oms/accounts.py); `orderdesk --version` prints the version;
`orderdesk --screenshot FILE --demo-orders N`
submits N demo orders through the same service the ticket uses, waits until each has a
fill, saves a PNG of the window, exits 0. The log goes to stderr and to
`<data-dir>/orderdesk.log`, with every credential masked (gui/oms/redaction.py).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import logging.handlers
import os
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from gui.oms.account_book import (
    AccountBook,
    SandboxAccount,
    default_accounts_path,
    endpoints_for_accounts,
    has_live_accounts,
)
from gui.oms.accounts import (
    NO_KEYRING_MESSAGE,
    SECRETS_FILE_ENV,
    AccountsError,
    Keychain,
    endpoint_secrets,
    load_accounts,
    load_session_secrets,
)
from gui.oms.demo import demo_tickets
from gui.oms.events import ErrorEvent, ErrorKind
from gui.oms.journal import DEFAULT_FILE_NAME, Journal
from gui.oms.polling import VenuePoller
from gui.oms.profiles import load_profiles
from gui.oms.recovery import reconcile, restore
from gui.oms.redaction import install_redaction
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.qt.accounts_menu import install_accounts_menu
from gui.qt.bridge import DeskBridge
from gui.qt.gc_guard import GarbageCollectorGuard
from gui.qt.icons import desk_icon
from gui.qt.main_window import MainWindow
from gui.qt.sandbox_badge import install_sandbox_badge, set_mode_title
from gui.qt.theme import apply_theme, configure_high_dpi
from gui.sandbox.process import SandboxProcess
from gui.venues.base import VenueClient
from gui.venues.registry import build_clients

log = logging.getLogger("gui")

SCREENSHOT_TIMEOUT_S = 90.0
"""Longest the screenshot mode waits for every demo order's first fill, in seconds."""
LOG_FILE_NAME = "orderdesk.log"
"""The log file in the data directory."""
LOG_FILE_MAX_BYTES = 5_000_000
"""Size at which the log file rotates, in bytes (three old files are kept)."""
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
EXIT_CONFIG_ERROR = 2
"""Exit code when the accounts, secrets or data directory cannot be used."""


@dataclass
class Desk:
    """Everything the composition root wired together, for shutdown and tests."""

    store: OrderStore
    service: OrderService
    pollers: list[VenuePoller]
    bridge: DeskBridge
    window: MainWindow
    clients: dict[tuple[str, str], VenueClient]
    journal: Journal | None = None

    def start(self) -> None:
        """Start polling every venue account, reconcile what the journal restored, and load
        the venues' instruments for the ticket (in the background: the window never waits
        for a venue)."""
        for poller in self.pollers:
            poller.start()
        if self.journal is not None:
            self.bridge.run(reconcile(self.service), "reconcile with the venues")
            self.bridge.run(self.watch_journal(), "watch the journal")
        self.bridge.run(self.load_instruments(), "load instruments")

    async def watch_journal(self, interval_s: float = 1.0) -> None:
        """Tell the trader, once per new problem, when the journal cannot write (orders
        are then refused rather than sent unrecorded), and when it writes again."""
        assert self.journal is not None
        shown: str | None = None
        while True:
            await asyncio.sleep(interval_s)
            failed = self.journal.failed
            if failed == shown:
                continue
            message = (
                f"the journal cannot write ({failed}): new orders are refused until it can"
                if failed is not None
                else "the journal writes again"
            )
            kind = ErrorKind.INTERNAL if failed is not None else ErrorKind.WARNING
            self.bridge.on_error(ErrorEvent(message, kind))
            shown = failed

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
        if self.journal is not None:
            await self.journal.flush()
            self.journal.close()


def build_desk(
    endpoints: Mapping[str, Mapping[str, Any]],
    settings: QSettings,
    *,
    fast_interval_s: float = 1.0,
    slow_interval_s: float = 5.0,
    journal: Journal | None = None,
) -> Desk:
    """Wire store, service, pollers, bridge and window for the venues in `endpoints`.

    Args:
        endpoints: Venue -> `{"base_url", "credentials", "accounts"}` (the sandbox's line).
        settings: Where the window layout lives.
        fast_interval_s: Poll interval while orders work, seconds.
        slow_interval_s: Poll interval when idle, seconds.
        journal: The journal: restored into the blotter here, reconciled with the venues by
            `Desk.start`, and written from then on. None runs without one (tests).
    """
    clients = build_clients(endpoints)
    store = OrderStore()
    service = OrderService(store, clients, journal=journal)
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
    if journal is not None:
        restore(journal, store, service)
    return Desk(store, service, pollers, bridge, window, clients, journal)


def open_journal(data_dir: Path, *, sandbox: bool) -> Journal:
    """The desk's journal in `data_dir`.

    Live accounts keep one journal across runs (`journal.sqlite3`): it is restored and
    reconciled on every start. The sandbox starts with empty books each time, so its
    journal (`sandbox/journal.sqlite3`) starts empty too: restoring orders the new sandbox
    never saw would only declare them all gone.
    """
    if not sandbox:
        return Journal.in_data_dir(data_dir)
    folder = data_dir / "sandbox"
    for suffix in ("", "-wal", "-shm"):
        (folder / (DEFAULT_FILE_NAME + suffix)).unlink(missing_ok=True)
    return Journal.in_data_dir(folder)


def setup_logging(data_dir: Path, verbose: bool) -> list[logging.Handler]:
    """Log to stderr and to `<data_dir>/orderdesk.log`, both through the secret redactor.

    Args:
        data_dir: Created if missing (owner-only permissions where the OS has them).
        verbose: DEBUG instead of INFO.

    Returns:
        The handlers added to the root logger (`main` removes them on the way out).

    Raises:
        OSError: The data directory or the log file cannot be created.
    """
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    log_path = data_dir / LOG_FILE_NAME
    # Create the file owner-only before the handler opens it (umask could allow more).
    os.close(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = [
        logging.StreamHandler(sys.stderr),
        logging.handlers.RotatingFileHandler(
            log_path, maxBytes=LOG_FILE_MAX_BYTES, backupCount=3, encoding="utf-8"
        ),
    ]
    root = logging.getLogger()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    install_redaction()
    return handlers


def live_endpoints(accounts_path: Path, keychain: Keychain) -> dict[str, dict[str, Any]]:
    """Endpoints of the accounts file, secrets from the session secrets file (when
    `ORDERDESK_SECRETS_FILE` is set) and the keyring.

    Raises:
        AccountsError: See `load_accounts`, `load_session_secrets`, `endpoints_from_accounts`.
    """
    accounts = load_accounts(accounts_path)
    secrets_path = os.environ.get(SECRETS_FILE_ENV)
    session = load_session_secrets(Path(secrets_path)) if secrets_path else None
    if session is not None:
        log.info("secrets for this run only from %s (%s)", secrets_path, SECRETS_FILE_ENV)
    endpoints = endpoints_for_accounts(accounts, keychain, session)
    log.info(
        "live accounts from %s: %s",
        accounts_path,
        ", ".join(f"{venue}/{name}" for venue, e in endpoints.items() for name in e["accounts"]),
    )
    return endpoints


def sandbox_accounts(endpoints: Mapping[str, Mapping[str, Any]] | None) -> list[SandboxAccount]:
    """The sandbox's accounts for the accounts dialog: from the running sandbox's endpoints,
    or (`None`: the sandbox is not running) from its venue registry, without base URLs."""
    if endpoints is None:
        from gui.sandbox.venue_registry import VENUES  # the emulators: only when asked

        endpoints = {venue: {"accounts": spec.accounts} for venue, spec in VENUES.items()}
    return [
        SandboxAccount(name, venue, str(endpoint.get("base_url", "")))
        for venue, endpoint in endpoints.items()
        for name in endpoint["accounts"]
    ]


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


async def _run(app: QApplication, args: argparse.Namespace, early: SandboxProcess | None) -> int:
    # Keyring calls run here, on the loop, before the window exists: nothing waits on them
    # yet, and secrets never pass through an executor future (qasync logs their results).
    keychain = Keychain()
    keyring_available = keychain.available()
    sandbox: SandboxProcess | None = None
    accounts_path: Path = args.accounts or default_accounts_path()
    endpoints: dict[str, dict[str, Any]] | None = None
    unusable: str | None = None  # why the config folder's accounts were not traded
    if args.accounts is not None:
        try:
            endpoints = live_endpoints(args.accounts, keychain)
        except AccountsError as exc:
            log.error("%s", exc)
            return EXIT_CONFIG_ERROR
    elif not args.sandbox and has_live_accounts(accounts_path):
        try:
            endpoints = live_endpoints(accounts_path, keychain)
        except AccountsError as exc:
            # Started from a menu, the desk should open: on the sandbox, saying why.
            unusable = f"{exc}; running the sandbox instead (Settings > Accounts…)"
            log.error("%s", unusable)
    if endpoints is None:
        sandbox = early or SandboxProcess(seed=args.seed, speed=args.speed, faults=args.faults)
        endpoints = await sandbox.start()
    elif early is not None:  # spawned on a guess that live accounts overruled
        early.stop()
    # The sandbox's demo credentials are credentials like any other.
    install_redaction(endpoint_secrets(endpoints))
    settings = (
        QSettings(args.settings, QSettings.Format.IniFormat) if args.settings else QSettings()
    )
    journal = open_journal(args.data_dir, sandbox=sandbox is not None)
    desk = build_desk(endpoints, settings, journal=journal)
    install_excepthook(desk.bridge)
    desk.window.set_environment(
        data_dir=args.data_dir, sandbox=sandbox is not None, config_dir=accounts_path.parent
    )
    if sandbox is not None:
        install_sandbox_badge(desk.window)
    else:
        set_mode_title(desk.window, sandbox=False)
    served = endpoints if sandbox is not None else None
    install_accounts_menu(
        desk.window, AccountBook(accounts_path, keychain), lambda: sandbox_accounts(served)
    )
    if unusable is not None:
        desk.bridge.on_error(ErrorEvent(unusable, ErrorKind.WARNING))
    if not keyring_available and sandbox is None:
        log.warning("%s", NO_KEYRING_MESSAGE)
        desk.bridge.on_error(ErrorEvent(NO_KEYRING_MESSAGE, ErrorKind.WARNING))
    elif not keyring_available:  # the sandbox's demo keys need no keyring: no alarm
        log.info("%s (the sandbox needs none)", NO_KEYRING_MESSAGE)
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
        if sandbox is not None:
            sandbox.stop()


def install_excepthook(bridge: DeskBridge) -> None:
    """Send exceptions that escape a Qt slot or callback to the log and the error pane."""

    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        log.error("unhandled exception", exc_info=(kind, value, tb))
        bridge.on_error(ErrorEvent(f"internal error: {value!r}", ErrorKind.INTERNAL))

    sys.excepthook = hook


def run(args: argparse.Namespace, early: SandboxProcess | None = None) -> int:
    """Run the desk for the parsed command line; returns the process exit code.

    Args:
        args: `gui.launch.parse_args`'s namespace.
        early: The sandbox `gui.launch.main` spawned before importing this module, or None
            (stopped here if live accounts overrule it).
    """
    try:
        handlers = setup_logging(args.data_dir, args.verbose)
    except OSError as exc:
        print(f"orderdesk: cannot use the data directory {args.data_dir}: {exc}", file=sys.stderr)
        if early is not None:
            early.stop()
        return EXIT_CONFIG_ERROR
    QApplication.setOrganizationName("OrderDesk")
    QApplication.setApplicationName("OrderDesk")
    configure_high_dpi()  # before the application exists
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # The .desktop entry's name (resources/orderdesk.desktop): Wayland matches windows by it.
    QGuiApplication.setDesktopFileName("orderdesk")
    app.setWindowIcon(desk_icon())
    apply_theme(app)
    guard = GarbageCollectorGuard(app)  # Qt objects are only ever freed on this thread
    try:
        return int(qasync.run(_run(app, args, early)))
    finally:
        if early is not None:
            early.stop()  # idempotent: `_run` stops it too
        guard.stop()
        for handler in handlers:
            logging.getLogger().removeHandler(handler)
            handler.close()
