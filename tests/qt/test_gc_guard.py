"""The desk frees Qt objects on the GUI thread only: automatic GC off, collected by a timer."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from gui.qt.gc_guard import GarbageCollectorGuard


class _Cycle:
    """Garbage that only the cyclic collector frees, holding a Qt object."""

    def __init__(self, holder: QObject) -> None:
        self.me = self
        self.holder = holder


def test_cyclic_garbage_with_qt_objects_is_freed_by_the_gui_thread_timer(qtbot: QtBot) -> None:
    gc.enable()
    guard = GarbageCollectorGuard(interval_ms=10)
    try:
        assert not gc.isenabled()
        freed_in: list[str] = []
        holder = QObject()
        holder.destroyed.connect(lambda: freed_in.append(threading.current_thread().name))
        _Cycle(holder)
        del holder
        # A thread that allocates heavily cannot trigger a collection while the guard runs.
        worker = threading.Thread(target=lambda: [[[]] for _ in range(50_000)], name="worker")
        worker.start()
        worker.join()
        assert freed_in == []
        keep = [[] for _ in range(5_000)]  # past the thresholds: the timer collects
        qtbot.waitUntil(lambda: bool(freed_in), timeout=2000)
        assert freed_in == [threading.main_thread().name]
        del keep
    finally:
        guard.stop()
    assert gc.isenabled()
