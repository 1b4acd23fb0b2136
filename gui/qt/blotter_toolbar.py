"""The row of tools above the blotter: search, Working / Done / All, venue, status and side
filters, the order count, the colour legend and CSV export.

`BlotterToolbar` owns no orders: it turns what the trader picks into a `BlotterFilter` and
emits it (`filter_changed`), at once for a click and after `SEARCH_DELAY_MS` of no typing
for the search box, so typing over 100,000 rows filters once, not per key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from gui.domain.orders import TERMINAL, WORKING, OrderStatus, Side
from gui.qt.blotter_filters import ALL_SIDES, ALL_STATUSES, BlotterFilter, Preset
from gui.qt.blotter_legend import LegendButton
from gui.qt.table_tools import StayOpenMenu, attach_popup

__all__ = ["SEARCH_DELAY_MS", "SEARCH_PLACEHOLDER", "BlotterToolbar", "ChoiceButton"]

SEARCH_DELAY_MS = 150
"""Quiet time after the last key before the search applies, in milliseconds."""
SEARCH_PLACEHOLDER = "Search pair, order id, notes"

_PRESET_TEXT: dict[Preset, str] = {
    Preset.WORKING: "Working",
    Preset.DONE: "Done",
    Preset.ALL: "All",
}
_PRESET_TIPS = {
    Preset.WORKING: "Orders still in the market: not filled, canceled, rejected or expired",
    Preset.DONE: "Filled, canceled, rejected and expired orders",
    Preset.ALL: "Every order",
}

# Palette roles, not colours: the toolbar follows the light or dark theme in use.
_QSS = """
QToolButton {
    border: 1px solid palette(mid); border-radius: 3px; padding: 2px 7px;
    background: palette(button); color: palette(button-text);
}
QToolButton:hover { background: palette(light); }
QToolButton:checked { background: palette(highlight); color: palette(highlighted-text); }
QToolButton::menu-indicator { image: none; width: 0px; }
QToolButton[filtering="true"] { border-color: palette(link); color: palette(link); }
QToolButton[segment="first"] { border-top-right-radius: 0px; border-bottom-right-radius: 0px; }
QToolButton[segment="middle"] { border-radius: 0px; border-left: none; }
QToolButton[segment="last"] {
    border-top-left-radius: 0px; border-bottom-left-radius: 0px; border-left: none;
}
QToolButton[flat="true"] { border-color: transparent; background: transparent; padding: 2px 5px; }
QToolButton[flat="true"]:hover { background: palette(button); border-color: palette(mid); }
"""


def _search_icon(colour: QColor) -> QIcon:
    """A 16 px magnifier drawn in `colour` (no icon theme needed)."""
    pixmap = QPixmap(32, 32)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 1.6))
    painter.drawEllipse(QPointF(6.8, 6.8), 4.3, 4.3)
    painter.drawLine(QPointF(10.0, 10.0), QPointF(13.8, 13.8))
    painter.end()
    return QIcon(pixmap)


class _SearchBox(QLineEdit):
    """The search field; Escape clears it (and applies at once)."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape clears the text; other keys as in any line edit."""
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class ChoiceButton(QToolButton):
    """A compact multi-select filter: "Venue ▾" with a menu of checkable choices.

    While it filters, it says how and is highlighted: "Venue: dfx ▾", "Venue: 3 of 5 ▾".

    At least one choice stays ticked (the last one cannot be unticked); "All" ticks every
    choice. The menu stays open while choices are toggled.

    Signals:
        chosen_changed(frozenset): The ticked values, after the trader changed them.

    Attributes:
        choices: The menu (a `StayOpenMenu`; objectName `<object_name>.menu`).

    Args:
        object_name: The button's objectName, e.g. `"blotter.venues"`.
        label: What it filters, e.g. `"Venue"`.
        neutral: Optional test of a set of ticked values that, although not every
            choice, filters nothing worth highlighting (e.g. a preset shown elsewhere).
        parent: Qt parent.
    """

    chosen_changed = Signal(object)

    def __init__(
        self,
        object_name: str,
        label: str,
        neutral: Callable[[frozenset[Any]], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self._label = label
        self._neutral = neutral
        self._actions: dict[Hashable, QAction] = {}
        self.choices = StayOpenMenu(self)
        self.choices.setObjectName(f"{object_name}.menu")
        self._all = self.choices.addAction("Select all")
        self._all.triggered.connect(lambda: self._choose(frozenset(self._actions)))
        self.choices.addSeparator()
        attach_popup(self, self.choices)
        self._update()

    def add_section(self, title: str) -> None:
        """Start a titled group of choices."""
        self.choices.addSection(title)

    def add_choice(self, value: Hashable, text: str, *, checked: bool = True) -> QAction:
        """Add a choice at the end (or keep the existing one for `value`)."""
        if value in self._actions:
            return self._actions[value]
        action = QAction(text, self.choices)
        action.setCheckable(True)
        action.setChecked(checked)
        action.setData(value)
        action.toggled.connect(self._on_toggled)
        self.choices.addAction(action)
        self._actions[value] = action
        self._update()
        return action

    def add_sorted_choice(self, value: Hashable, text: str, *, checked: bool = True) -> QAction:
        """Add a choice in alphabetical order of `text` among the choices."""
        if value in self._actions:
            return self._actions[value]
        action = self.add_choice(value, text, checked=checked)
        later = [a for a in self._actions.values() if a is not action and a.text() > text]
        if later:
            before = min(later, key=lambda a: a.text())
            self.choices.removeAction(action)
            self.choices.insertAction(before, action)
        return action

    def values(self) -> frozenset[Any]:
        """Every choice's value."""
        return frozenset(self._actions)

    def chosen(self) -> frozenset[Any]:
        """The ticked choices' values."""
        return frozenset(value for value, action in self._actions.items() if action.isChecked())

    def set_chosen(self, values: Iterable[Hashable]) -> None:
        """Tick exactly `values` (unknown ones ignored), without emitting `chosen_changed`."""
        wanted = set(values)
        for value, action in self._actions.items():
            action.blockSignals(True)
            action.setChecked(value in wanted)
            action.blockSignals(False)
        self._update()

    def _choose(self, values: frozenset[Any]) -> None:
        if values != self.chosen():
            self.set_chosen(values)
            self.chosen_changed.emit(self.chosen())

    def _on_toggled(self, _checked: bool) -> None:
        self._update()
        self.chosen_changed.emit(self.chosen())

    def _update(self) -> None:
        chosen = [action for action in self._actions.values() if action.isChecked()]
        for action in self._actions.values():
            action.setEnabled(not (len(chosen) == 1 and action.isChecked()))
        everything = len(chosen) == len(self._actions)
        neutral = everything or (self._neutral is not None and self._neutral(self.chosen()))
        if neutral:  # nothing to point out: "Venue ▾", the narrowest form
            self.setText(f"{self._label} ▾")
        else:
            count = len(self._actions)
            text = chosen[0].text() if len(chosen) == 1 else f"{len(chosen)} of {count}"
            self.setText(f"{self._label}: {text} ▾")
        self.setToolTip(
            f"{self._label}: " + ", ".join(a.text() for a in chosen)
            if not everything
            else f"Filter by {self._label.lower()}"
        )
        if self.property("filtering") != (not neutral):
            self.setProperty("filtering", not neutral)
            self.style().unpolish(self)
            self.style().polish(self)


def _is_preset(statuses: frozenset[Any]) -> bool:
    return BlotterFilter(statuses=statuses).preset is not None


class BlotterToolbar(QWidget):
    """Search, presets, filters, count, legend and export, in one compact row.

    Signals:
        filter_changed(BlotterFilter): The trader changed the search (after the typing
            pause) or a filter; the new filter.

    Attributes:
        search: The search box (objectName `blotter.search`).
        presets: Preset -> its segment button (objectNames `blotter.preset.working` ...).
        preset_bar: The three segments' container (objectName `blotter.filter`).
        venues: The venue filter (`blotter.venues`); venues are added as orders show them.
        statuses: The status filter (`blotter.statuses`).
        sides: The side filter (`blotter.sides`).
        clear: Clears the search and the venue and side filters, keeping the preset
            (`blotter.clear`); shown while any of them (or a status set that is no
            preset) is in force.
        count: "12 of 5,000 orders" (`blotter.count`).
        legend: The colour legend button (`blotter.legend`).
        export: The "Export…" button (`blotter.export`).

    Args:
        parent: Qt parent.
    """

    filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("blotter.toolbar")
        self.setStyleSheet(_QSS)
        self._filter = BlotterFilter()

        self.search = _SearchBox()
        self.search.setObjectName("blotter.search")
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Find orders by pair, client or venue order id, or notes (Ctrl+F)")
        placeholder = self.palette().color(QPalette.ColorRole.PlaceholderText)
        self.search.addAction(_search_icon(placeholder), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setMinimumWidth(210)
        self.search.setMaximumWidth(300)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_search)
        self.search.escaped.connect(self.apply_search)

        self.presets: dict[Preset, QToolButton] = {}
        # One widget for the three segments: `blotter.filter`, the automation name of the
        # blotter's Working/All filter since the first release (README).
        self.preset_bar = QWidget()
        self.preset_bar.setObjectName("blotter.filter")
        segments = QHBoxLayout(self.preset_bar)
        segments.setContentsMargins(0, 0, 0, 0)
        segments.setSpacing(0)
        for number, preset in enumerate(Preset):
            button = QToolButton()
            button.setObjectName(f"blotter.preset.{preset.value}")
            button.setText(_PRESET_TEXT[preset])
            button.setToolTip(_PRESET_TIPS[preset])
            button.setCheckable(True)
            button.setProperty("segment", ("first", "middle", "last")[min(number, 2)])
            button.clicked.connect(lambda _checked=False, p=preset: self._on_preset(p))
            segments.addWidget(button)
            self.presets[preset] = button

        self.venues = ChoiceButton("blotter.venues", "Venue")
        self.venues.chosen_changed.connect(self._on_venues)
        # A preset's statuses are shown by its segment: nothing to point out here.
        self.statuses = ChoiceButton("blotter.statuses", "Status", _is_preset)
        for title, group in (("Working", WORKING), ("Done", TERMINAL)):
            self.statuses.add_section(title)
            for status in OrderStatus:
                if status in group:
                    self.statuses.add_choice(status, status.value)
        self.statuses.chosen_changed.connect(self._on_statuses)
        self.sides = ChoiceButton("blotter.sides", "Side")
        for side in Side:
            self.sides.add_choice(side, side.value.capitalize())
        self.sides.chosen_changed.connect(self._on_sides)

        self.clear = QToolButton()
        self.clear.setObjectName("blotter.clear")
        self.clear.setText("Clear")
        self.clear.setToolTip("Show every order: clear the search and all filters")
        self.clear.setProperty("flat", True)
        self.clear.clicked.connect(self._on_clear)

        self.count = QLabel()
        self.count.setObjectName("blotter.count")
        self.count.setProperty("role", "caption")
        self.legend = LegendButton()
        self.legend.setProperty("flat", True)
        self.export = QToolButton()
        self.export.setObjectName("blotter.export")
        self.export.setText("Export…")
        self.export.setToolTip("Save the rows and columns shown as a CSV file")
        self.export.setProperty("flat", True)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.search, 3)
        row.addWidget(self.preset_bar)
        row.addSpacing(4)
        for widget in (self.venues, self.statuses, self.sides, self.clear):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.count)
        row.addSpacing(6)
        row.addWidget(self.legend)
        row.addWidget(self.export)
        self._sync()

    @property
    def filter(self) -> BlotterFilter:
        """The filter in force (the search text as last applied, not as being typed)."""
        return self._filter

    def set_filter(self, new: BlotterFilter, *, emit: bool = False) -> None:
        """Show `new` in every control; with `emit`, also announce it (`filter_changed`).

        Venues hidden by `new` that no order has shown yet are added to the venue menu.
        """
        for venue in sorted(new.hidden_venues):
            self.venues.add_sorted_choice(venue, venue, checked=False)
        self._search_timer.stop()
        if self.search.text() != new.search:
            self.search.blockSignals(True)
            self.search.setText(new.search)
            self.search.blockSignals(False)
        changed = new != self._filter
        self._filter = new
        self._sync()
        if emit and changed:
            self.filter_changed.emit(new)

    def add_venues(self, venues: Iterable[str]) -> None:
        """List these venues in the venue filter (ticked unless the filter hides them)."""
        for venue in venues:
            self.venues.add_sorted_choice(
                venue, venue, checked=venue not in self._filter.hidden_venues
            )

    def apply_search(self) -> None:
        """Apply the search box's text now (Enter, Escape, or the end of a typing pause)."""
        self._search_timer.stop()
        self.set_filter(replace(self._filter, search=self.search.text()), emit=True)

    def _on_preset(self, preset: Preset) -> None:
        self.set_filter(self._filter.with_preset(preset), emit=True)
        self._sync()  # a click on the checked segment unchecks it: check it again

    def _on_venues(self, chosen: frozenset[str]) -> None:
        hidden = self.venues.values() - chosen
        self.set_filter(replace(self._filter, hidden_venues=frozenset(hidden)), emit=True)

    def _on_statuses(self, chosen: frozenset[OrderStatus]) -> None:
        self.set_filter(replace(self._filter, statuses=chosen or ALL_STATUSES), emit=True)

    def _on_sides(self, chosen: frozenset[Side]) -> None:
        self.set_filter(replace(self._filter, sides=chosen or ALL_SIDES), emit=True)

    def _sync(self) -> None:
        current = self._filter
        preset = current.preset
        for each, button in self.presets.items():
            button.setChecked(each is preset)
        self.venues.set_chosen(self.venues.values() - current.hidden_venues)
        self.statuses.set_chosen(current.statuses)
        self.sides.set_chosen(current.sides)
        self.clear.setVisible(
            bool(current.search)
            or preset is None
            or bool(current.hidden_venues)
            or current.sides != ALL_SIDES
        )

    def _on_clear(self) -> None:
        preset = self._filter.preset
        self.set_filter(BlotterFilter.for_preset(preset or Preset.ALL), emit=True)
