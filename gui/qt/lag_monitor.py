"""How late the GUI thread's event loop runs: a timer that measures its own lateness.

`LagMonitor` arms a single-shot `QTimer` every `interval_ms`; when it fires, the time past
its due moment is the loop's lag (zero when the loop was free; the length of a stall, less
the part of the interval it overlapped, when something held the thread). Each firing is one
sample. The monitor keeps the largest sample since the last `reset()`, the last
`window_size` samples (for percentiles over a rolling window), and a fixed-bucket histogram
of those same samples, so the p99 the status bar shows costs a walk over at most 1,000
counters rather than a sort.

Cost: one short Python call per interval, a few microseconds: well under 0.1 % of a core
at 5 ms.

`LoopLagLabel` shows the figures in the status bar: the worst lag of the last second
("loop 3 ms"), with the maximum and the p99 of the window in its tooltip (issue 8, item 3).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QWidget

__all__ = [
    "BUCKET_MS",
    "DEFAULT_INTERVAL_MS",
    "DEFAULT_WINDOW_SIZE",
    "LABEL_REFRESH_MS",
    "LagFigures",
    "LagMonitor",
    "LoopLagLabel",
]

DEFAULT_INTERVAL_MS = 5
"""Milliseconds between samples: fine enough to see a 16 ms frame missed, cheap enough to
run always."""
DEFAULT_WINDOW_SIZE = 12_000
"""Samples kept for percentiles: one minute at the default interval."""
BUCKET_MS = 0.25
"""Width of a histogram bucket, in milliseconds (the resolution of `p99_ms`)."""
_BUCKETS = 1_000
"""Histogram buckets: 0 to 250 ms; longer lags count in the last one."""
LABEL_REFRESH_MS = 1000
"""How often the status-bar label redraws, in milliseconds."""


@dataclass(frozen=True, slots=True)
class LagFigures:
    """The monitor's figures at one moment; lags in milliseconds.

    Attributes:
        samples: Samples in the window (at most the window size).
        last_ms: The latest sample.
        max_ms: The largest sample since the last reset (not only the window's).
        p99_ms: 99th percentile of the window, to `BUCKET_MS` (the bucket's upper edge).
        recent_max_ms: The largest sample since the previous `take_recent_max()`.
    """

    samples: int
    last_ms: float
    max_ms: float
    p99_ms: float
    recent_max_ms: float


class LagMonitor(QObject):
    """Measures the GUI thread's event-loop lag; create and use it on the GUI thread.

    Args:
        interval_ms: Milliseconds between samples (>= 1).
        window_size: Samples kept for percentiles (>= 1).
        parent: Qt parent.

    Raises:
        ValueError: `interval_ms` or `window_size` below 1.
    """

    def __init__(
        self,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        window_size: int = DEFAULT_WINDOW_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if interval_ms < 1 or window_size < 1:
            raise ValueError(
                f"interval_ms and window_size must be >= 1, got {interval_ms}, {window_size}"
            )
        self.interval_ms = interval_ms
        self._interval_s = interval_ms / 1000
        self._samples: deque[float] = deque(maxlen=window_size)
        self._counts = [0] * _BUCKETS
        self._max_s = 0.0
        self._recent_max_s = 0.0
        self._due = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # Precise: a coarse timer may fire up to 5 % early or late by design, which would
        # read as lag.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    # -- control -------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True between `start()` and `stop()`."""
        return self._timer.isActive()

    def start(self) -> None:
        """Start sampling (idempotent); figures so far are kept."""
        if not self._timer.isActive():
            self._arm()

    def stop(self) -> None:
        """Stop sampling; figures are kept."""
        self._timer.stop()

    def reset(self) -> None:
        """Forget every sample and the maximum (e.g. at the start of a measurement)."""
        self._samples.clear()
        self._counts = [0] * _BUCKETS
        self._max_s = 0.0
        self._recent_max_s = 0.0

    # -- figures -------------------------------------------------------------------------------

    def samples_s(self) -> list[float]:
        """The samples in the window, oldest first, in seconds (a copy)."""
        return list(self._samples)

    @property
    def max_ms(self) -> float:
        """Largest lag since the last reset, in milliseconds."""
        return self._max_s * 1000

    def p99_ms(self) -> float:
        """99th percentile of the window's lags, in milliseconds, to `BUCKET_MS` (the
        upper edge of its bucket; 0.0 with no samples)."""
        total = len(self._samples)
        if not total:
            return 0.0
        # The smallest bucket with at least 99 % of the samples at or below it.
        allowed_above = total - -(-99 * total // 100)
        above = 0
        for index in range(_BUCKETS - 1, -1, -1):
            above += self._counts[index]
            if above > allowed_above:
                return (index + 1) * BUCKET_MS
        return BUCKET_MS  # pragma: no cover - the loop always returns

    def take_recent_max(self) -> float:
        """The largest lag since the previous call, in milliseconds; starts a new span."""
        recent, self._recent_max_s = self._recent_max_s, 0.0
        return recent * 1000

    def figures(self) -> LagFigures:
        """Every figure at once (does not start a new recent span)."""
        return LagFigures(
            samples=len(self._samples),
            last_ms=self._samples[-1] * 1000 if self._samples else 0.0,
            max_ms=self.max_ms,
            p99_ms=self.p99_ms(),
            recent_max_ms=self._recent_max_s * 1000,
        )

    # -- sampling ------------------------------------------------------------------------------

    def add_sample(self, lag_s: float) -> None:
        """Count one lag sample, in seconds (the timer does this; tests may too).

        Raises:
            ValueError: `lag_s` is negative.
        """
        if lag_s < 0:
            raise ValueError(f"a lag cannot be negative, got {lag_s!r}")
        samples = self._samples
        if len(samples) == samples.maxlen:
            self._counts[_bucket(samples[0])] -= 1
        samples.append(lag_s)
        self._counts[_bucket(lag_s)] += 1
        if lag_s > self._max_s:
            self._max_s = lag_s
        if lag_s > self._recent_max_s:
            self._recent_max_s = lag_s

    def _arm(self) -> None:
        self._due = time.perf_counter() + self._interval_s
        self._timer.start(self.interval_ms)

    def _tick(self) -> None:
        lag_s = max(0.0, time.perf_counter() - self._due)
        self._arm()
        self.add_sample(lag_s)


def _bucket(lag_s: float) -> int:
    # Bucket i holds lags in (i * BUCKET_MS, (i + 1) * BUCKET_MS] ms; 0 also holds 0.
    index = int(lag_s * (1000 / BUCKET_MS))
    if index and index == lag_s * (1000 / BUCKET_MS):
        index -= 1
    return min(index, _BUCKETS - 1)


class LoopLagLabel(QLabel):
    """The status bar's loop-lag figure: "loop 3 ms", the worst lag of the last second; the
    tooltip gives the maximum since start and the p99 of the last minute.

    Starts its monitor when shown and stops it when hidden (no sampling for a closed window).

    Args:
        monitor: The monitor shown; None creates one owned by the label.
        parent: Qt parent.

    Attributes:
        monitor: The monitor shown.
    """

    def __init__(self, monitor: LagMonitor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loopLag")
        # Wide enough for three digits: the status bar does not shift as the figure changes.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("loop 888 ms") + 4)
        self.monitor = monitor if monitor is not None else LagMonitor(parent=self)
        self._refresh = QTimer(self)
        self._refresh.setInterval(LABEL_REFRESH_MS)
        self._refresh.timeout.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Redraw the figure and the tooltip from the monitor."""
        recent = self.monitor.take_recent_max()
        self.setText(f"loop {recent:.0f} ms")
        figures = self.monitor.figures()
        seconds = figures.samples * self.monitor.interval_ms / 1000
        self.setToolTip(
            f"GUI event-loop lag (how late a {self.monitor.interval_ms} ms timer fires)\n"
            f"last second, worst: {recent:.1f} ms\n"
            f"max since start: {figures.max_ms:.1f} ms\n"
            f"p99 over the last {seconds:.0f} s: {figures.p99_ms:.2f} ms"
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.monitor.start()
        self._refresh.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        self._refresh.stop()
        self.monitor.stop()
        super().hideEvent(event)
