"""The ticket's schedule part for algos: start time, the end it implies, and clip size.

Shown only for a venue that takes the option (`OrderOption.START_TIME`, `.CLIP_SIZE`) and
enabled only for algos (TWAP, VWAP, POV). The start is "now" unless the trader gives a
date and time, typed in their local zone and sent as aware UTC; the end shown is the start
plus the ticket's duration and follows both live. A clip size is the broker's choice, a
base-asset quantity, or a percent of the order (typed as percent, sent as a fraction).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QDateTime, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateTimeEdit, QHBoxLayout, QLabel, QWidget

from gui.domain.options import ClipSize, ClipSizeKind, OrderOption
from gui.domain.orders import ALGO_STRATEGIES, Strategy, parse_decimal, utc_now
from gui.qt.ticket_section import AddErrorLabel, TicketSection, number_edit
from gui.venues.base import VenueCapabilities

__all__ = ["END_TIME_REFRESH_MS", "TicketScheduleWidget"]

END_TIME_REFRESH_MS = 1000
"""How often the end of a "now" start is redrawn while shown, in milliseconds."""
_PERCENT = Decimal(100)
_DEFAULT_LEAD = timedelta(minutes=5)
_PAST_GRACE = timedelta(minutes=1)
_TIME_FORMAT = "yyyy-MM-dd HH:mm"


def _local_text(ts: datetime) -> str:
    # "14:30 CET (13:30 UTC)", with the date when it is not today; just UTC for a UTC desk.
    local = ts.astimezone()
    today = utc_now().astimezone().date()
    shown = local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")
    in_utc = ts.astimezone(UTC)
    if local.utcoffset() == in_utc.utcoffset():
        return f"{shown} UTC"
    return f"{shown} {local.tzname() or 'local'} ({in_utc.strftime('%H:%M')} UTC)"


class TicketScheduleWidget(TicketSection):
    """Start time (now or a local date-time), the end it implies, and clip size.

    Signals:
        edited(str): The trader changed the field with this ticket field name.

    Attributes:
        start_now: "Now" checkbox (objectName `ticket.start_now`), ticked by default.
        start_time: Local date-time of a scheduled start (objectName `ticket.start_time`),
            enabled while "Now" is unticked.
        end_time: Label with the end, start + duration (objectName `ticket.end_time`).
        clip_size_kind: Auto / Quantity / % of order (objectName `ticket.clip_size_kind`);
            item data `ClipSizeKind`.
        clip_size: Clip value (objectName `ticket.clip_size`): base quantity or percent.
        inputs: Ticket field name -> input widget (for inline messages and focus).

    Args:
        add_error_label: Makes the message line of a ticket field name.
        parent: Qt parent.
    """

    edited = Signal(str)

    def __init__(self, add_error_label: AddErrorLabel, parent: QWidget | None = None) -> None:
        super().__init__(add_error_label, parent)
        self.start_now = QCheckBox("Now")
        self.start_now.setObjectName("ticket.start_now")
        self.start_now.setChecked(True)
        self.start_now.setToolTip("Start as soon as the broker accepts the order.")
        self.start_time = QDateTimeEdit()
        self.start_time.setObjectName("ticket.start_time")
        self.start_time.setDisplayFormat(_TIME_FORMAT)
        self.start_time.setCalendarPopup(True)
        self.start_time.setEnabled(False)
        zone = datetime.now().astimezone().tzname() or "local"
        self.start_time.setToolTip(f"Scheduled start in your local time ({zone}); sent as UTC.")
        self.end_time = QLabel()
        self.end_time.setObjectName("ticket.end_time")
        self.end_time.setProperty("role", "caption")
        self.clip_size_kind = QComboBox()
        self.clip_size_kind.setObjectName("ticket.clip_size_kind")
        self.clip_size_kind.addItem("Auto", ClipSizeKind.AUTO)
        self.clip_size_kind.addItem("Quantity", ClipSizeKind.QUANTITY)
        self.clip_size_kind.addItem("% of order", ClipSizeKind.FRACTION)
        self.clip_size_kind.setToolTip("How large each child order (clip) of the algo may be.")
        self.clip_size = number_edit("ticket.clip_size", "broker's choice")
        self.inputs: dict[str, QWidget] = {
            "start_time": self.start_time,
            "clip_size": self.clip_size,
        }
        start = QWidget()
        start_row = QHBoxLayout(start)
        start_row.setContentsMargins(0, 0, 0, 0)
        start_row.addWidget(self.start_now)
        start_row.addWidget(self.start_time, 1)
        clip = QWidget()
        clip_row = QHBoxLayout(clip)
        clip_row.setContentsMargins(0, 0, 0, 0)
        clip_row.addWidget(self.clip_size_kind)
        clip_row.addWidget(self.clip_size, 1)
        self.add_row("start", "Start", start, ("start_time",))
        self.add_row("end", "Ends", self.end_time)
        self.add_row("clip", "Clip size", clip, ("clip_size",))

        self._capabilities: VenueCapabilities | None = None
        self._strategy = Strategy.LIMIT
        self._duration_s: int | None = None
        self._unit = ""
        self._timer = QTimer(self)
        self._timer.setInterval(END_TIME_REFRESH_MS)
        self._timer.timeout.connect(self._update_end)
        self.start_now.toggled.connect(self._on_start_now_toggled)
        self.start_time.dateTimeChanged.connect(self._on_start_time_changed)
        self.clip_size_kind.currentIndexChanged.connect(self._on_clip_kind_changed)
        self.clip_size.textEdited.connect(lambda _text: self.edited.emit("clip_size"))
        self._sync()

    def configure(self, capabilities: VenueCapabilities) -> None:
        """Show only what the venue takes; values in hidden rows are kept."""
        self._capabilities = capabilities
        starts = OrderOption.START_TIME in capabilities.options
        self.show_row("start", starts)
        self.show_row("end", starts)
        self.show_row("clip", OrderOption.CLIP_SIZE in capabilities.options)
        self.setVisible(self.has_visible_rows())
        self._sync()

    def set_strategy(self, strategy: Strategy) -> None:
        """Enable the schedule for algos only (a Market or Limit order starts at once)."""
        self._strategy = strategy
        self._sync()

    def set_duration_s(self, duration_s: int | None) -> None:
        """The ticket's duration in seconds (None: none typed), for the end shown."""
        self._duration_s = duration_s
        self._update_end()

    def set_quantity_unit(self, unit: str) -> None:
        """Say which unit a Quantity clip takes (e.g. "BTC")."""
        self._unit = unit
        self._sync()

    def read(
        self, parse_errors: dict[str, str], to_base: Callable[[Decimal], Decimal]
    ) -> tuple[datetime | None, ClipSize | None]:
        """The start (aware UTC, None for now) and clip size (None for the broker's default).

        Only rows the venue offers and the strategy uses count.

        Args:
            parse_errors: Filled with field name -> message for text that is not a number.
            to_base: Converts a typed quantity to base asset (identity unless the venue
                sizes in contracts).
        """
        if not self._algo():
            return None, None
        start_ts = None
        if self._offers(OrderOption.START_TIME) and not self.start_now.isChecked():
            start_ts = self.start_ts()
            if start_ts < utc_now() - _PAST_GRACE:
                parse_errors["start_time"] = "Start time is in the past: tick Now to start at once."
        clip = None
        kind = ClipSizeKind(self.clip_size_kind.currentData())
        if self._offers(OrderOption.CLIP_SIZE) and kind != ClipSizeKind.AUTO:
            text = self.clip_size.text().strip()
            value = parse_decimal(text) if text else None
            if not text:
                parse_errors["clip_size"] = "Give a clip size, or choose Auto."
            elif value is None:
                parse_errors["clip_size"] = "Clip size must be a number."
            elif kind == ClipSizeKind.FRACTION:
                clip = ClipSize(kind, value / _PERCENT)
            else:
                clip = ClipSize(kind, to_base(value))
        return start_ts, clip

    def start_ts(self) -> datetime:
        """The date-time in the start box as aware UTC (the box shows local time)."""
        seconds = self.start_time.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(seconds, UTC)

    def set_start_ts(self, ts: datetime) -> None:
        """Put an aware datetime in the start box (shown in local time) and untick "Now"."""
        self.start_now.setChecked(False)
        self.start_time.setDateTime(QDateTime.fromSecsSinceEpoch(int(ts.timestamp())))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self._timer.start()
        self._update_end()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        self._timer.stop()
        super().hideEvent(event)

    def _offers(self, option: OrderOption) -> bool:
        return self._capabilities is not None and option in self._capabilities.options

    def _algo(self) -> bool:
        return self._strategy in ALGO_STRATEGIES

    def _on_start_now_toggled(self, now: bool) -> None:
        if not now and self.start_ts() < utc_now():
            # The box would show a past time: offer a few minutes from now, on the minute.
            soon = (utc_now() + _DEFAULT_LEAD).replace(second=0, microsecond=0)
            self.start_time.blockSignals(True)
            self.start_time.setDateTime(QDateTime.fromSecsSinceEpoch(int(soon.timestamp())))
            self.start_time.blockSignals(False)
        self.edited.emit("start_time")
        self._sync()

    def _on_start_time_changed(self, _value: QDateTime) -> None:
        self.edited.emit("start_time")
        self._update_end()

    def _on_clip_kind_changed(self, _index: int) -> None:
        self.edited.emit("clip_size")
        self._sync()

    def _sync(self) -> None:
        algo = self._algo()
        self.start_now.setEnabled(algo)
        self.start_time.setEnabled(algo and not self.start_now.isChecked())
        kind = self.clip_size_kind.currentData()
        self.clip_size_kind.setEnabled(algo)
        self.clip_size.setEnabled(algo and kind != ClipSizeKind.AUTO)
        placeholder = {
            ClipSizeKind.AUTO: "broker's choice",
            ClipSizeKind.QUANTITY: f"{self._unit} per clip".strip(),
            ClipSizeKind.FRACTION: "% of the order, e.g. 10",
        }[ClipSizeKind(kind)]
        self.clip_size.setPlaceholderText(placeholder if algo else "algos only")
        self._update_end()

    def _update_end(self) -> None:
        if not self._algo():
            self.end_time.setText("Algos only: a Market or Limit order starts at once.")
            return
        now = self.start_now.isChecked()
        start = utc_now() if now else self.start_ts()
        if self._duration_s is None:
            ending = "when filled" if self._strategy == Strategy.POV else "give a duration"
            self.end_time.setText(f"— ({ending})")
            return
        end = start + timedelta(seconds=self._duration_s)
        self.end_time.setText(_local_text(end) + (" if sent now" if now else ""))
