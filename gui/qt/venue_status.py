"""Venue account health in the status bar: a coloured dot and the last good poll's age.

One `VenueIndicator` per venue account, inside one `VenueStatusBar` that the main window
puts in its status bar. The bar only re-renders what the poller published (`VenueHealth`):
a `QTimer` redraws the ages every second from the clock, without asking any venue. The
blotter's stale-row tooltip (`stale_note`) uses the same age wording.

Issue 5, item 4 (staleness): the age is always visible; a DISCONNECTED account is red and
says so in words too (colour is never the only signal).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QWidget

from gui.domain.orders import utc_now
from gui.oms.events import VenueHealth, VenueState
from gui.qt import theme

__all__ = [
    "REFRESH_INTERVAL_MS",
    "VenueIndicator",
    "VenueStatusBar",
    "indicator_name",
    "stale_note",
]

REFRESH_INTERVAL_MS = 1000
"""How often the poll ages are redrawn, in milliseconds."""

_DOT_PX = 9
_NAMED_STATES = frozenset({VenueState.DISCONNECTED, VenueState.STOPPED})
"""States spelled out next to the dot, so they do not rely on colour alone."""


def indicator_name(venue: str, account: str) -> str:
    """The objectName of a venue account's indicator: `venueStatus_<venue>_<account>`."""
    return f"venueStatus_{venue}_{account}"


def _age_s(since: datetime | None, now: datetime) -> float | None:
    return None if since is None else (now - since).total_seconds()


def stale_note(venue: str, last_success_ts: datetime | None, now: datetime) -> str:
    """Why a blotter row may be out of date, for its tooltip.

    Args:
        venue: Venue name.
        last_success_ts: End of the account's last good poll (aware UTC), None if none.
        now: The current time (aware UTC).

    Returns:
        E.g. `"treadfi disconnected: last good poll 42 s ago — this row may be out of date"`.
    """
    if last_success_ts is None:
        when = "no good poll yet"
    else:
        when = f"last good poll {theme.format_age(_age_s(last_success_ts, now))} ago"
    return f"{venue} disconnected: {when} — this row may be out of date"


def _when(ts: datetime) -> str:
    # "2024-01-02 09:00:01 UTC · 10:00:01 local"
    utc, local = ts.astimezone(UTC), ts.astimezone()
    return f"{utc:%Y-%m-%d %H:%M:%S} UTC · {local:%H:%M:%S} local"


class _Dot(QWidget):
    """A filled circle in one colour (painted, so no font needs a "●" glyph)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = theme.VENUE_STATE_COLOURS[VenueState.CONNECTING]
        self.setFixedSize(QSize(_DOT_PX + 2, _DOT_PX + 2))

    def set_colour(self, colour: QColor) -> None:
        if colour != self.colour:
            self.colour = QColor(colour)
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        painter.drawEllipse(1, 1, _DOT_PX, _DOT_PX)
        painter.end()


class VenueIndicator(QFrame):
    """One venue account: dot in the state's colour, short name, last good poll age.

    Text examples: `"treadfi 0.8 s"`, `"dfx disconnected · 42 s"`, `"anboto connecting…"`.
    The tooltip gives the account, state, failed polls in a row, the last good poll time
    (UTC and local, with its age) and the last error text.

    Attributes:
        health: The last health shown.
        dot: The coloured dot (`dot.colour` is the state's colour).
        label: The text next to the dot.

    Args:
        health: The account's first health report.
        parent: Qt parent.
    """

    def __init__(self, health: VenueHealth, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(indicator_name(health.venue, health.account))
        self.health = health
        self.short_name = health.venue
        self.dot = _Dot(self)
        self.label = QLabel(self)
        self.label.setObjectName(f"{self.objectName()}.text")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(4)
        layout.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.label)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        """The indicator's visible text (without the dot)."""
        return self.label.text()

    def set_health(self, health: VenueHealth, now: datetime) -> None:
        """Show a new health report.

        Args:
            health: The account's latest health.
            now: The current time (aware UTC), for the age.
        """
        self.health = health
        self.refresh(now)

    def refresh(self, now: datetime) -> None:
        """Redraw the age (and everything else) for time `now` (aware UTC)."""
        health = self.health
        state = health.state
        age = theme.format_age(_age_s(health.last_success_ts, now))
        if state == VenueState.CONNECTING and health.last_success_ts is None:
            text = f"{self.short_name} connecting…"
        elif state in _NAMED_STATES:
            text = f"{self.short_name} {state.value} · {age}"
        else:
            text = f"{self.short_name} {age}"
        self.dot.set_colour(theme.VENUE_STATE_COLOURS[state])
        if self.label.text() != text:
            self.label.setText(text)
        if self.property("venueState") != state.value:
            # Dynamic property for the style sheet (theme: a disconnected account is red).
            for widget in (self, self.label):
                widget.setProperty("venueState", state.value)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        tooltip = self._tooltip(now)
        if self.toolTip() != tooltip:
            self.setToolTip(tooltip)
            self.setAccessibleName(
                f"{health.venue} {health.account}: {state.value}, last good poll {age} ago"
            )

    def _tooltip(self, now: datetime) -> str:
        health = self.health
        failures = (
            f" ({health.consecutive_failures} failed poll"
            f"{'s' if health.consecutive_failures != 1 else ''} in a row)"
            if health.consecutive_failures
            else ""
        )
        if health.last_success_ts is None:
            last_good = "none yet"
        else:
            age = theme.format_age(_age_s(health.last_success_ts, now))
            last_good = f"{_when(health.last_success_ts)} ({age} ago)"
        lines = [
            f"<b>{html.escape(health.venue)}</b> · account <b>{html.escape(health.account)}</b>",
            f"State: {html.escape(health.state.value)}{failures}",
            f"Last good poll: {html.escape(last_good)}",
        ]
        if health.last_error:
            lines.append(f"Last error: {html.escape(health.last_error)}")
        if health.stale:
            lines.append("Its working orders are marked stale in the blotter.")
        return "<br>".join(lines)


class VenueStatusBar(QWidget):
    """The status bar's venue section: one `VenueIndicator` per account, sorted by name.

    The ages are redrawn every `REFRESH_INTERVAL_MS` by `timer` while the bar is shown,
    from `clock()` alone (no venue call).

    Attributes:
        clock: Returns the current aware UTC time; tests may replace it.
        timer: The refresh timer (objectName `venueStatus.timer`).

    Args:
        parent: Qt parent.
        clock: The time source; `utc_now` by default.
    """

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], datetime] = utc_now
    ) -> None:
        super().__init__(parent)
        self.setObjectName("venueStatus")
        self.clock = clock
        self._indicators: dict[tuple[str, str], VenueIndicator] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.timer = QTimer(self)
        self.timer.setObjectName("venueStatus.timer")
        self.timer.setInterval(REFRESH_INTERVAL_MS)
        self.timer.timeout.connect(self.refresh)

    def indicator(self, venue: str, account: str) -> VenueIndicator | None:
        """The indicator of a venue account, or None before its first health report."""
        return self._indicators.get((venue, account))

    def indicators(self) -> list[VenueIndicator]:
        """Every indicator, in display order (venue, then account)."""
        return [self._indicators[key] for key in sorted(self._indicators)]

    def set_health(self, health: VenueHealth) -> None:
        """Show a venue account's latest health, adding its indicator on first sight.

        Args:
            health: What the account's poller published.
        """
        key = (health.venue, health.account)
        indicator = self._indicators.get(key)
        now = self.clock()
        if indicator is not None:
            indicator.set_health(health, now)
            return
        indicator = VenueIndicator(health, self)
        self._indicators[key] = indicator
        self._layout.insertWidget(sorted(self._indicators).index(key), indicator)
        self._rename()
        for each in self._indicators.values():
            each.refresh(now)

    def refresh(self) -> None:
        """Redraw every indicator for the current time (the timer calls this each second)."""
        now = self.clock()
        for indicator in self._indicators.values():
            indicator.refresh(now)

    def _rename(self) -> None:
        # The venue alone is the short name unless the venue has several accounts here.
        venues = [venue for venue, _ in self._indicators]
        for (venue, account), indicator in self._indicators.items():
            indicator.short_name = f"{venue}/{account}" if venues.count(venue) > 1 else venue

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.refresh()
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        # Nothing to redraw while hidden (qutebrowser's statusbar clock does the same).
        self.timer.stop()
        super().hideEvent(event)
