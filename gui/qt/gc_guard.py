"""Python's cyclic garbage collector, run on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate when a threshold is
crossed: an HTTP resolver thread, or a sandbox thread in tests. If that collection frees a
cycle holding Qt objects, their C++ destructors run off the GUI thread ("QObject::~QObject:
Timers cannot be stopped from another thread"), which can crash the process. The guard
turns automatic collection off and collects, generation by generation as the thresholds
ask, from a timer on the GUI thread (the approach calibre and other large PyQt apps use).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["GarbageCollectorGuard"]

CHECK_INTERVAL_MS = 500
"""How often the thresholds are checked, in milliseconds."""


class GarbageCollectorGuard(QObject):
    """Disables automatic GC and collects on the GUI thread; `stop()` gives it back.

    Args:
        parent: Qt parent (the application), so the timer lives on the GUI thread.
        interval_ms: Check interval in milliseconds.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold, if any."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Stop the timer, collect once here, and restore automatic collection."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
