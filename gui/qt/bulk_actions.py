"""Bulk actions from the desk: cancel, pause and resume by scope, the kill switch, pinning.

Scopes are the selection, the current row's venue, pair or side, and everything
(`gui.oms.bulk.Scope`). Each action first asks, naming how many orders on which venues
(`OrderService.orders_in_scope`), then runs `OrderService.run_bulk` and shows its progress
and outcome in the status bar (`status.bulk_progress`); the OMS reports each failure in the
error pane. "Cancel everything" is the kill switch (`OrderService.kill_switch`), with its
own confirmation (`dialog.kill_switch`). Pinned orders are skipped unless the confirmation's
"include pinned" is ticked.

Confirmations are non-modal to the event loop (`open()`, never `exec()`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable
from typing import Literal

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QWidget

from gui.domain.orders import CANCELLABLE, PAUSABLE, RESUMABLE, Order
from gui.oms.bulk import EVERYTHING, BulkOutcome, Scope
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.qt.blotter import BlotterView
from gui.qt.bridge import DeskBridge
from gui.qt.bulk_dialogs import (
    KILL_SWITCH_STYLE,
    BulkProgressLabel,
    KillSwitchDialog,
    orders_noun,
    scope_confirmation,
)

__all__ = [
    "KILL_SWITCH_SHORTCUT",
    "PIN_SHORTCUT",
    "SCOPE_KINDS",
    "VERBS",
    "BulkActions",
    "ScopeKind",
    "Verb",
    "make_action",
    "scope_for",
    "set_tip",
    "synthetic_pause_text",
]

Verb = Literal["cancel", "pause", "resume"]
"""A bulk action, as `OrderService.run_bulk` names it."""
ScopeKind = Literal["selected", "venue", "pair", "side", "all"]
"""Which orders a bulk action is for: the selection, or those sharing the current row's
venue, pair or side, or everything."""
VERBS: tuple[Verb, ...] = ("cancel", "pause", "resume")
SCOPE_KINDS: tuple[ScopeKind, ...] = ("venue", "pair", "side", "all")
"""The scopes besides the selection (whose actions are `action.<verb>_selected`)."""
KILL_SWITCH_SHORTCUT = QKeySequence("Ctrl+Shift+K")
"""Opens the kill switch from anywhere in the application (`Qt.ApplicationShortcut`)."""
PIN_SHORTCUT = QKeySequence("Ctrl+Shift+P")
"""Pins (or unpins) the selected orders."""
SYNTHETIC_PAUSE_NOTE = "the working remainder is cancelled and sent again on resume"
"""Said (after "synthetic pause on <venues>: ") wherever a pause is not the venue's own."""

_PAST = {"cancel": "cancelled", "pause": "paused", "resume": "resumed"}
_ELIGIBLE = {"cancel": CANCELLABLE, "pause": PAUSABLE, "resume": RESUMABLE}
_SELECTED: dict[str, tuple[str, QKeySequence | QKeySequence.StandardKey]] = {
    # A standard key is resolved only once there is an application (it needs the platform).
    "cancel": ("Cancel", QKeySequence.StandardKey.Delete),
    "pause": ("Pause", QKeySequence("Ctrl+P")),
    "resume": ("Resume", QKeySequence("Ctrl+R")),
}


def synthetic_pause_text(venues: list[str]) -> str:
    """What the trader is told about venues paused by the OMS.

    Args:
        venues: Venue names without native pause, sorted.

    Returns:
        `"synthetic pause on kucoin_futures, zenotc: the working remainder is cancelled and
        sent again on resume"`, or "" when `venues` is empty.
    """
    if not venues:
        return ""
    return f"synthetic pause on {', '.join(venues)}: {SYNTHETIC_PAUSE_NOTE}"


def set_tip(action: QAction, tip: str) -> None:
    """Give `action` the tooltip `tip`, followed by its shortcut ("Pause the… (Ctrl+P)")."""
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({keys})" if keys else tip)
    action.setStatusTip(tip)


def make_action(
    parent: QWidget,
    name: str,
    text: str,
    tip: str,
    shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
) -> QAction:
    """A named action on `parent`, its shortcut shown in menus and in its tooltip.

    Args:
        parent: Owns the action; the action is added to it, so its shortcut works there.
        name: Stable objectName, e.g. `"action.cancel_venue"`.
        text: Menu text.
        tip: Tooltip and status tip, without the shortcut (appended here).
        shortcut: Key sequence, or None.
        context: Where the shortcut works.
    """
    action = QAction(text, parent)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(context)
    set_tip(action, tip)
    parent.addAction(action)
    return action


def scope_for(kind: ScopeKind, current: Order | None, selected: list[Order]) -> Scope | None:
    """The scope of `kind` around the blotter's current row or selection.

    Args:
        kind: Which orders.
        current: The current (focused) order, for "venue", "pair" and "side".
        selected: The selected orders, for "selected".

    Returns:
        The scope (pinned orders excluded), or None when it needs a row there is not.
    """
    if kind == "all":
        return EVERYTHING
    if kind == "selected":
        ids = frozenset(order.client_order_id for order in selected)
        return Scope(client_order_ids=ids) if ids else None
    if current is None:
        return None
    if kind == "venue":
        return Scope(venue=current.venue)
    if kind == "pair":
        return Scope(pair=current.pair)
    return Scope(side=current.side)


def _scope_text(kind: ScopeKind, current: Order | None) -> str:
    if kind == "all":
        return "Everything"
    if current is None:
        return {"venue": "All on this venue", "pair": "All of this pair", "side": "All this side"}[
            kind
        ]
    if kind == "venue":
        return f"All on {current.venue}"
    if kind == "pair":
        return f"All {current.pair}"
    return f"All {current.side.value}s"


class BulkActions(QObject):
    """The desk's bulk actions: their `QAction`s, menus, confirmations and progress.

    Attributes:
        selected: Verb -> its action on the selection (`action.<verb>_selected`).
        scoped: (verb, scope kind) -> its action (`action.<verb>_<kind>`, kind in
            `SCOPE_KINDS`); `action.cancel_all` opens the kill switch.
        scope_menus: Verb -> its "Cancel…"/"Pause…"/"Resume…" menu (`menu.<verb>_scope`).
        kill_switch: `action.kill_switch` (Ctrl+Shift+K anywhere in the application).
        pin: `action.pin_selected`: pin the selected orders, or unpin them when all are.
        progress: The status bar's `status.bulk_progress` label.

    Args:
        window: The main window (owns the actions; its status bar shows progress).
        service: Runs the actions.
        store: Current orders and pinning.
        bridge: Runs the OMS coroutines.
        blotter: The selection and current row.
    """

    def __init__(
        self,
        window: QMainWindow,
        service: OrderService,
        store: OrderStore,
        bridge: DeskBridge,
        blotter: BlotterView,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._service = service
        self._store = store
        self._bridge = bridge
        self._blotter = blotter
        self._kill_dialog: KillSwitchDialog | None = None
        self.progress = BulkProgressLabel()
        window.statusBar().addPermanentWidget(self.progress)

        self.selected: dict[Verb, QAction] = {}
        self.scoped: dict[tuple[Verb, ScopeKind], QAction] = {}
        self.scope_menus: dict[Verb, QMenu] = {}
        for verb in VERBS:
            text, keys = _SELECTED[verb]
            action = make_action(window, f"action.{verb}_selected", f"{text} selected", "", keys)
            action.setIconText(text)  # the toolbar says "Cancel", the menus "Cancel selected"
            action.triggered.connect(lambda _=False, verb=verb: self.confirm(verb, "selected"))
            self.selected[verb] = action
            menu = QMenu(f"{text}…", window)
            menu.setObjectName(f"menu.{verb}_scope")
            menu.addAction(action)
            for kind in SCOPE_KINDS:
                scoped = make_action(window, f"action.{verb}_{kind}", _scope_text(kind, None), "")
                if verb == "cancel" and kind == "all":
                    scoped.triggered.connect(lambda _=False: self.open_kill_switch())
                else:
                    scoped.triggered.connect(
                        lambda _=False, verb=verb, kind=kind: self.confirm(verb, kind)
                    )
                self.scoped[(verb, kind)] = scoped
                menu.addAction(scoped)
            self.scope_menus[verb] = menu
        self.kill_switch = make_action(
            window,
            "action.kill_switch",
            "Kill switch",
            "Cancel every working order on every venue at once (pinned orders only if ticked)",
            KILL_SWITCH_SHORTCUT,
            Qt.ShortcutContext.ApplicationShortcut,
        )
        self.kill_switch.triggered.connect(lambda _=False: self.open_kill_switch())
        self.pin = make_action(
            window,
            "action.pin_selected",
            "Pin",
            "Pin the selected orders: bulk cancel and the kill switch skip them",
            PIN_SHORTCUT,
        )
        self.pin.triggered.connect(lambda _=False: self.toggle_pin())
        self.update(blotter.selected_orders())

    # -- what is eligible ----------------------------------------------------------------------

    def can(self, verb: Verb, order: Order) -> bool:
        """Whether `verb` applies to `order`: its status allows it and its venue account is
        configured (every venue pauses, synthetically where it cannot natively)."""
        if order.status not in _ELIGIBLE[verb]:
            return False
        try:
            self._service.client_for(order.venue, order.account)
        except KeyError:
            return False
        return True

    def _synthetic_pause_venues(self, orders: list[Order]) -> list[str]:
        return sorted(
            {order.venue for order in orders if self._service.pause_is_synthetic(order.venue)}
        )

    def _eligible_selection(self, verb: Verb) -> list[Order]:
        # The store, not the blotter's copy (up to one batch behind), decides eligibility.
        current = (
            self._store.get(order.client_order_id) for order in self._blotter.selected_orders()
        )
        return [order for order in current if order is not None and self.can(verb, order)]

    # -- confirmations -------------------------------------------------------------------------

    def confirm(self, verb: Verb, kind: ScopeKind) -> QMessageBox | None:
        """Ask before `verb` touches the orders in scope `kind`; on yes, run it.

        The dialog (objectName `dialog.confirm`) names how many orders on which venues
        ("Cancel 412 orders: kucoin_futures 200, dfx 12, …") and, when pinned orders are in
        scope, offers `dialog.confirm.include_pinned`.

        Returns:
            The open dialog, or None when nothing in scope can be `verb`ed (the status bar
            says so).
        """
        selected = self._eligible_selection(verb) if kind == "selected" else []
        scope = scope_for(kind, self._blotter.current_order(), selected)
        if scope is None:
            what = "No selected order" if kind == "selected" else "No current row: nothing"
            self._window.statusBar().showMessage(f"{what} can be {_PAST[verb]}.", 5000)
            return None
        with_pinned = dataclasses.replace(scope, include_pinned=True)
        if not self._service.orders_in_scope(with_pinned, verb):
            self._window.statusBar().showMessage(
                f"Nothing to {verb} in {scope.describe()}: no order there can be {_PAST[verb]}.",
                5000,
            )
            return None
        return self._confirmation(verb, scope)

    def _confirmation(self, verb: Verb, scope: Scope) -> QMessageBox:
        def orders_for(include_pinned: bool) -> list[Order]:
            chosen = dataclasses.replace(scope, include_pinned=include_pinned)
            return self._service.orders_in_scope(chosen, verb)

        def note(orders: list[Order]) -> str:
            if verb == "cancel":
                return ""
            return synthetic_pause_text(self._synthetic_pause_venues(orders))

        box = scope_confirmation(
            self._window,
            verb,
            scope.describe(),
            orders_for,
            note,
            lambda include: self.run(verb, dataclasses.replace(scope, include_pinned=include)),
        )
        box.open()
        return box

    def open_kill_switch(self) -> KillSwitchDialog | None:
        """Open the kill switch's confirmation (`dialog.kill_switch`), or raise the open one.

        Returns:
            The dialog, or None when no order is working (the status bar says so).
        """
        if self._kill_dialog is not None and self._kill_dialog.isVisible():
            self._kill_dialog.activateWindow()
            self._kill_dialog.raise_()
            return self._kill_dialog

        def orders_for(include_pinned: bool) -> list[Order]:
            scope = dataclasses.replace(EVERYTHING, include_pinned=include_pinned)
            return self._service.orders_in_scope(scope, "cancel")

        if not orders_for(True):
            self._window.statusBar().showMessage(
                "Nothing is working: the kill switch has nothing to cancel.", 5000
            )
            return None
        dialog = KillSwitchDialog(orders_for, self._window)
        dialog.confirmed.connect(self.run_kill_switch)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _=None: setattr(self, "_kill_dialog", None))
        self._kill_dialog = dialog
        dialog.open()
        return dialog

    # -- running -------------------------------------------------------------------------------

    def run(self, verb: Verb, scope: Scope) -> asyncio.Task[BulkOutcome]:
        """Run `verb` on `scope` now, without asking (a dialog already did)."""
        self.progress.show_started(verb)
        pending = self._service.run_bulk(verb, scope, progress=self.progress.show_progress)
        return self._bridge.run(self._finish(verb, pending), f"{verb} {scope.describe()}")

    def run_kill_switch(self, include_pinned: bool) -> asyncio.Task[BulkOutcome]:
        """Cancel every working order on every venue now (pinned ones if `include_pinned`)."""
        self.progress.show_started("cancel")
        pending = self._service.kill_switch(
            include_pinned=include_pinned, progress=self.progress.show_progress
        )
        return self._bridge.run(self._finish("cancel", pending), "kill switch")

    async def _finish(self, verb: Verb, pending: Awaitable[BulkOutcome]) -> BulkOutcome:
        try:
            outcome = await pending
        except BaseException:
            self.progress.show_failure(f"{verb.capitalize()} failed: see the error pane")
            raise
        self._bridge.flush()
        self.progress.show_outcome(outcome)
        return outcome

    # -- pinning -------------------------------------------------------------------------------

    def toggle_pin(self) -> None:
        """Pin the selected orders, or unpin them when every one is pinned already."""
        orders = [
            current
            for order in self._blotter.selected_orders()
            if (current := self._store.get(order.client_order_id)) is not None
        ]
        if not orders:
            return
        pin = not all(order.pinned for order in orders)
        self._service.set_pinned((order.client_order_id for order in orders), pin)
        self._bridge.flush()
        verb = "Pinned" if pin else "Unpinned"
        self._window.statusBar().showMessage(
            f"{verb} {orders_noun(len(orders))}"
            + (": bulk cancel and the kill switch skip them." if pin else "."),
            5000,
        )

    # -- keeping the actions current -----------------------------------------------------------

    def update(self, selected: list[Order]) -> None:
        """Enable, name and explain the actions for this selection and the current row."""
        current = self._blotter.current_order()
        pausable = [order for order in selected if order.status in PAUSABLE | RESUMABLE]
        note = synthetic_pause_text(self._synthetic_pause_venues(pausable))
        suffix = f" — {note}" if note else ""
        for verb, action in self.selected.items():
            action.setEnabled(any(self.can(verb, order) for order in selected))
            set_tip(
                action,
                f"{verb.capitalize()} the selected orders" + ("" if verb == "cancel" else suffix),
            )
        for (verb, kind), action in self.scoped.items():
            text = _scope_text(kind, current)
            kill = (verb, kind) == ("cancel", "all")
            action.setText(f"{text} (kill switch)…" if kill else f"{text}…")
            action.setEnabled(kind == "all" or current is not None)
            set_tip(
                action,
                f"{verb.capitalize()} {text[0].lower()}{text[1:]}: asks first, naming the "
                "orders; pinned orders are skipped unless ticked",
            )
        unpin = bool(selected) and all(order.pinned for order in selected)
        self.pin.setText("Unpin" if unpin else "Pin")
        self.pin.setEnabled(bool(selected))
        set_tip(
            self.pin,
            "Unpin the selected orders"
            if unpin
            else "Pin the selected orders: bulk cancel and the kill switch skip them",
        )

    def style_kill_switch_button(self, button: QWidget) -> None:
        """Make the kill switch's toolbar button red and bold."""
        button.setStyleSheet(KILL_SWITCH_STYLE)
