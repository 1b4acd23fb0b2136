"""The desk: blotter in the middle, ticket, chart, fills and errors in docks.

The window renders what the bridge publishes and turns clicks into OMS calls; it holds no
trading logic. Its parts live beside it: `bulk_actions` (cancel, pause and resume by scope,
the kill switch, pinning, progress in the status bar; each confirms how many orders it
touches in a non-modal dialog, no `exec()` inside the event loop) and `desk_flow` (F2/F3
buy/sell ticket, Ctrl+Enter send, "Load into ticket"). Double-clicking a working order
opens the amend dialog; a finished one is loaded into the ticket.

Pause, resume and amend work on every venue: natively where the venue can, otherwise as
the OMS emulates them (DESIGN.md "Capabilities and emulated actions"), and the window says
which: a synthetic pause cancels the working remainder and sends it again on resume; an
amend without a native one is a cancel/replace.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QWidget,
)

from gui.domain.errors import TicketInvalid
from gui.domain.orders import CANCELLABLE, Amendment, Order, OrderStatus, OrderTicket
from gui.oms.events import ErrorEvent, ErrorKind, VenueHealth
from gui.oms.profiles import VenueProfile, initial_profiles
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.qt.about import HelpMenu
from gui.qt.amend import CANCEL_REPLACE_FIELDS, AmendDialog
from gui.qt.blotter import BlotterView
from gui.qt.bridge import DeskBridge
from gui.qt.bulk_actions import BulkActions, Verb, make_action, set_tip
from gui.qt.charts import FillProgressChart
from gui.qt.desk_flow import TicketFlow
from gui.qt.errors import ErrorsView
from gui.qt.fills import FillsView
from gui.qt.lag_monitor import LoopLagLabel
from gui.qt.layout import WindowLayout
from gui.qt.notifications import DeskNotifier
from gui.qt.overview_chart import WorkingOverviewChart
from gui.qt.theme_menu import ThemeMenu
from gui.qt.ticket import TicketWidget
from gui.qt.venue_status import VenueStatusBar
from gui.venues.base import VenueCapabilities

AMENDABLE: frozenset[OrderStatus] = CANCELLABLE - {OrderStatus.PENDING_REPLACE}
"""Statuses in which the amend dialog opens (the service sends from the same set)."""


class MainWindow(QMainWindow):
    """The OrderDesk main window.

    Args:
        service: Trading verbs.
        store: The order store (read for fills of the charted order).
        bridge: Batched OMS events and owned background tasks.
        settings: Where the layout, theme and notification choice are saved (no version in
            the keys, so upgrades keep them; see `gui.qt.layout`).
        profiles: What the ticket offers per venue; by default the service's venues without
            instruments (`ticket.set_profiles` adds them once loaded).
    """

    def __init__(
        self,
        service: OrderService,
        store: OrderStore,
        bridge: DeskBridge,
        settings: QSettings,
        profiles: Mapping[str, VenueProfile] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowTitle("OrderDesk")
        self.service = service
        self.store = store
        self.bridge = bridge
        self.settings = settings
        self._health: dict[tuple[str, str], VenueHealth] = {}
        self._charted: str | None = None

        self.blotter = BlotterView(self)
        self.setCentralWidget(self.blotter)
        self.ticket = TicketWidget(
            profiles if profiles is not None else initial_profiles(service.clients),
            check=service.check_ticket,
        )
        self.chart = FillProgressChart()
        self.fills = FillsView()
        self.errors = ErrorsView()
        self.ticket_dock = self._dock(
            "dock.ticket", "Order ticket", self.ticket, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        # The blotter is the trader's main tool: it gets the whole width above the bottom row.
        self.fills_dock = self._dock(
            "dock.fills", "Fills", self.fills, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.chart_dock = self._dock(
            "dock.chart", "Fill progress", self.chart, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.errors_dock = self._dock(
            "dock.errors", "Errors", self.errors, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        # Every working order's progress, beside the ticket (issue 7, item 3).
        self.overview = WorkingOverviewChart()
        self.overview.order_clicked.connect(lambda cid: self.blotter.select_client_order_ids([cid]))
        self.overview_dock = self._dock(
            "dock.overview", "Working orders", self.overview, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.splitDockWidget(self.fills_dock, self.chart_dock, Qt.Orientation.Horizontal)
        self.splitDockWidget(self.chart_dock, self.errors_dock, Qt.Orientation.Horizontal)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)

        self.bulk = BulkActions(self, service, store, bridge, self.blotter)
        self.action_cancel = self.bulk.selected["cancel"]
        self.action_pause = self.bulk.selected["pause"]
        self.action_resume = self.bulk.selected["resume"]
        self.action_kill_switch = self.bulk.kill_switch
        self.action_pin = self.bulk.pin
        self.action_amend = make_action(
            self,
            "action.amend_selected",
            "Amend…",
            "Change the current order's quantity or limit (cancel/replace where the venue has "
            "no native amend)",
            QKeySequence("Ctrl+E"),
        )
        self.action_amend.triggered.connect(lambda: self.open_amend())
        self.flow = TicketFlow(self, self.ticket, self.ticket_dock, self.blotter)
        self.blotter.order_activated.connect(self._on_order_activated)
        self._build_toolbar()
        self.blotter.table.customContextMenuRequested.connect(self._context_menu)

        self.ticket.submit_requested.connect(self._on_submit_requested)
        self.ticket.validation_failed.connect(self._on_validation_failed)
        bridge.orders_changed.connect(self._on_orders_changed)
        bridge.orders_changed.connect(self.overview.update_orders)
        for view in (self.blotter, self.fills):  # an export's outcome, where the trader looks
            view.exported.connect(
                lambda path, rows: self.statusBar().showMessage(f"Exported {rows} rows to {path}")
            )
            view.export_failed.connect(lambda reason: self.statusBar().showMessage(reason, 10000))
        bridge.fills_added.connect(self.fills.model.add)
        bridge.error_raised.connect(self.errors.model.add)
        bridge.health_changed.connect(self._on_health)
        self.errors.count_changed.connect(self._on_error_count)
        self.blotter.selection_changed.connect(self._update_actions)
        self.blotter.current_order_changed.connect(self._show_in_chart)
        self.blotter.current_order_changed.connect(
            lambda _order: self._update_actions(self.blotter.selected_orders())
        )

        # Rightmost in the status bar, after the bulk progress: one indicator per account.
        self.venue_status = VenueStatusBar(self.statusBar())
        self.statusBar().addPermanentWidget(self.venue_status)
        # Then how late the GUI thread runs (issue 8, item 3): "loop 3 ms", max/p99 as tip.
        self.loop_lag = LoopLagLabel(parent=self.statusBar())
        self.lag_monitor = self.loop_lag.monitor
        self.statusBar().addPermanentWidget(self.loop_lag)
        self._update_actions(self.blotter.selected_orders())
        self.resize(1500, 880)
        self.resizeDocks([self.ticket_dock], [270], Qt.Orientation.Horizontal)
        self.resizeDocks([self.fills_dock], [300], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.fills_dock, self.chart_dock, self.errors_dock],
            [520, 520, 420],
            Qt.Orientation.Horizontal,
        )
        # The layout as built is the default "Restore default layout" goes back to.
        self.window_layout = WindowLayout(self, self.blotter, self.fills, settings)
        self.window_layout.restore()
        # Fills, rejections and disconnections, coalesced, in the status bar (and tray).
        self.notifier = DeskNotifier(self, settings)
        self.notifier.listen_to(bridge)
        self._build_comfort_menus()

    # -- construction --------------------------------------------------------------------------

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # a stable, untranslated identifier: saveState keys on it
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Orders", self)
        toolbar.setObjectName("toolbar.orders")
        toolbar.setMovable(False)
        # The kill switch leads the toolbar, red, apart from the per-selection actions.
        for action in (self.action_kill_switch, None, *self._selection_actions()):
            if action is None:
                toolbar.addSeparator()
                continue
            toolbar.addAction(action)
            toolbar.widgetForAction(action).setObjectName(f"button.{action.objectName()}")
        self.bulk.style_kill_switch_button(toolbar.widgetForAction(self.action_kill_switch))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        view = self.menuBar().addMenu("&View")
        view.setObjectName("menu.view")
        docks = (self.ticket_dock, self.overview_dock, self.chart_dock, self.fills_dock)
        for dock in (*docks, self.errors_dock):
            view.addAction(dock.toggleViewAction())
        orders = self.menuBar().addMenu("&Orders")
        orders.setObjectName("menu.orders")
        self._fill_order_menu(orders)
        ticket = self.menuBar().addMenu("&Ticket")
        ticket.setObjectName("menu.ticket")
        for action in (self.flow.buy_ticket, self.flow.sell_ticket, self.flow.submit):
            ticket.addAction(action)
        ticket.addAction(self.flow.load)

    def _build_comfort_menus(self) -> None:
        # View gets the theme, the notifications toggle and the layout reset; then Help.
        view = self.menuBar().findChild(QMenu, "menu.view")
        assert isinstance(view, QMenu)
        view.addSeparator()
        self.theme_menu = ThemeMenu(
            self.settings,
            view,
            followers=[self.chart.refresh_colours, self.overview.refresh_colours],
        )
        view.addMenu(self.theme_menu)
        view.addAction(self.notifier.toggle_action)
        view.addSeparator()
        view.addAction(self.window_layout.restore_default_action)
        self.help_menu = HelpMenu(self.settings.fileName(), self)
        self.menuBar().addMenu(self.help_menu)

    def _selection_actions(self) -> tuple[QAction, ...]:
        return (self.action_cancel, self.action_pause, self.action_resume, self.action_amend)

    def _fill_order_menu(self, menu: QMenu) -> None:
        # The Orders menu and the blotter's right-click menu list the same actions.
        for action in (*self._selection_actions(), self.flow.load, self.action_pin):
            menu.addAction(action)
        menu.addSeparator()
        for scope_menu in self.bulk.scope_menus.values():
            menu.addMenu(scope_menu)
        menu.addSeparator()
        menu.addAction(self.action_kill_switch)

    # -- ticket --------------------------------------------------------------------------------

    def _on_submit_requested(self, ticket: OrderTicket) -> None:
        self.ticket.set_busy(True)
        task = self.bridge.run(self._submit(ticket), f"submit {ticket.side} {ticket.pair}")
        task.add_done_callback(lambda _: self.ticket.set_busy(False))

    async def _submit(self, ticket: OrderTicket) -> None:
        try:
            order = await self.service.submit(ticket)
        except TicketInvalid as invalid:
            self.ticket.show_field_errors(invalid.field_errors)
            return
        self.bridge.flush()
        self.blotter.select_client_order_ids([order.client_order_id])

    def _on_validation_failed(self, field_errors: dict[str, str]) -> None:
        text = "; ".join(f"{name}: {message}" for name, message in field_errors.items())
        self.bridge.on_error(ErrorEvent(f"ticket not sent: {text}", ErrorKind.VALIDATION))

    # -- order actions -----------------------------------------------------------------------

    def _capabilities(self, order: Order) -> VenueCapabilities | None:
        try:
            return self.service.client_for(order.venue, order.account).capabilities
        except KeyError:
            return None

    def _on_order_activated(self, order: Order) -> None:
        # Double-click: a working order opens the amend dialog; a finished one (nothing left
        # to amend) is loaded into the ticket to be sent again.
        current = self.store.get(order.client_order_id) or order
        if current.status in AMENDABLE:
            self.open_amend(current)
        else:
            self.flow.load_order(current)

    def open_amend(self, order: Order | None = None) -> AmendDialog | None:
        """Open the amend dialog for `order` (default: the blotter's current order).

        Returns:
            The open dialog (objectName `dialog.amend`), or None when the order cannot be
            amended (the status bar says why).
        """
        chosen = order if order is not None else self.blotter.current_order()
        current = None if chosen is None else self.store.get(chosen.client_order_id)
        if current is None:
            return None
        capabilities = self._capabilities(current)
        if capabilities is None:
            self.statusBar().showMessage(f"No account {current.account} on {current.venue}.", 6000)
            return None
        if current.status not in AMENDABLE:
            self.statusBar().showMessage(f"A {current.status} order cannot be amended.", 6000)
            return None
        if self.service.amend_is_cancel_replace(current.venue):
            # The OMS cancels the order and sends its remainder again with the new values.
            dialog = AmendDialog(current, CANCEL_REPLACE_FIELDS, self, cancel_replace=True)
        else:
            dialog = AmendDialog(current, capabilities.amend_fields, self)
        dialog.amend_requested.connect(self._on_amend_requested)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _on_amend_requested(self, client_order_id: str, amendment: Amendment) -> None:
        order = self.store.get(client_order_id)
        replace = order is not None and self.service.amend_is_cancel_replace(order.venue, amendment)
        verb = "Cancel/replace" if replace else "Amend"
        self.bridge.run(self._amend(client_order_id, amendment, verb), verb.lower())

    async def _amend(self, client_order_id: str, amendment: Amendment, verb: str) -> None:
        result = await self.service.amend(client_order_id, amendment)
        self.statusBar().showMessage(
            f"{verb} sent." if result.ok else f"{verb} failed: {result.message}", 8000
        )

    def confirm_and_run(self, action: Verb) -> QMessageBox | None:
        """Ask before `action` ("cancel", "pause", "resume") touches the selected orders.

        Returns:
            The open confirmation dialog (objectName `dialog.confirm`), or None when no
            selected order is eligible.
        """
        return self.bulk.confirm(action, "selected")

    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.setObjectName("blotter.context_menu")
        self._fill_order_menu(menu)
        menu.addSeparator()
        menu.addActions([self.blotter.copy_action, self.blotter.export_action])
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.blotter.table.viewport().mapToGlobal(position))

    def _update_actions(self, selected: list[Order]) -> None:
        self.bulk.update(selected)
        current = self.blotter.current_order()
        self.action_amend.setEnabled(
            current is not None
            and current.status in AMENDABLE
            and self._capabilities(current) is not None
        )
        if current is not None and self.service.amend_is_cancel_replace(current.venue):
            set_tip(
                self.action_amend,
                f"Cancel/replace on {current.venue}: the order is cancelled and its remainder "
                "sent again with the new values",
            )
        else:
            set_tip(self.action_amend, "Change the current order's quantity or limit")

    # -- live updates --------------------------------------------------------------------------

    def _on_orders_changed(self, orders: list[Order]) -> None:
        self.blotter.model.apply(orders)
        self._update_actions(self.blotter.selected_orders())
        # A new fill always changes its order, so this one hook redraws the chart once per
        # batch (a second hook on fills_added drew it twice).
        charted = self._charted
        if charted is not None and any(order.client_order_id == charted for order in orders):
            self._refresh_chart()

    def _show_in_chart(self, order: Order | None) -> None:
        self._charted = None if order is None else order.client_order_id
        if order is None:
            self.chart.show_order(None, [])
        else:
            current = self.store.get(order.client_order_id) or order
            self.chart.show_order(current, self.store.fills(order.client_order_id))

    def _refresh_chart(self) -> None:
        order = self.store.get(self._charted) if self._charted else None
        if order is not None:
            self.chart.update_order(order, self.store.fills(order.client_order_id))

    def _on_error_count(self, count: int) -> None:
        self.errors_dock.setWindowTitle(f"Errors ({count})" if count else "Errors")

    # -- status bar ----------------------------------------------------------------------------

    def _on_health(self, health: VenueHealth) -> None:
        # The indicator shows the account's state and last good poll age (redrawn each
        # second by `venue_status`); the blotter marks the working orders of every
        # disconnected account stale, and clears them on its next good poll.
        self._health[(health.venue, health.account)] = health
        self.venue_status.set_health(health)
        self.blotter.model.set_stale_accounts(
            {key: each.last_success_ts for key, each in self._health.items() if each.stale}
        )

    # -- layout and environment ------------------------------------------------------------

    def save_layout(self) -> None:
        """Save window geometry, dock layout and blotter columns (with sort) to the settings."""
        self.window_layout.save()

    def set_environment(
        self, *, data_dir: Path | None, sandbox: bool, config_dir: Path | None = None
    ) -> None:
        """Tell the About box where the desk keeps its files and whether it trades on the
        sandbox (see `HelpMenu.set_environment`)."""
        self.help_menu.set_environment(data_dir=data_dir, sandbox=sandbox, config_dir=config_dir)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_layout()
        super().closeEvent(event)
