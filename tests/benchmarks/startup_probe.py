"""`python -m tests.benchmarks.startup_probe [--bare] [orderdesk arguments...]`: start the
desk (or, with `--bare`, only a bare `QMainWindow`), print one JSON line the moment its main
window is first exposed (mapped and ready to paint), then close it the normal way.

The start-up benchmark runs this as a child process and times it from spawn to that line,
so interpreter start and every import count, as they do for a trader. The line also gives
the child's own view: `since_process_start_s`, from the kernel's process start time.
"""

from __future__ import annotations

import json
import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def _process_age_s() -> float | None:
    """Seconds since this process started (Linux `/proc`), None elsewhere."""
    try:
        with open("/proc/self/stat") as stat:
            start_ticks = int(stat.read().rpartition(")")[2].split()[19])
        with open("/proc/uptime") as uptime:
            up_s = float(uptime.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return up_s - start_ticks / os.sysconf("SC_CLK_TCK")


class _FirstExpose(QObject):
    """Prints the JSON line at the first Expose of a shown main window, then closes it."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            not self._done
            and event.type() == QEvent.Type.Expose
            and any(window.isVisible() for window in self._main_windows())
        ):
            self._done = True
            age = _process_age_s()
            print(json.dumps({"since_process_start_s": age}), flush=True)
            # Close the normal way (the desk saves its layout and stops its pollers).
            QTimer.singleShot(0, self._app.closeAllWindows)
        return False

    def _main_windows(self) -> list[QMainWindow]:
        return [w for w in self._app.topLevelWidgets() if isinstance(w, QMainWindow)]


def main() -> int:
    """Run the probe; returns the exit code of the desk (0 for the bare window)."""
    bare = sys.argv[1:2] == ["--bare"]
    app = QApplication(sys.argv[:1])
    app.installEventFilter(_FirstExpose(app))
    if bare:
        window = QMainWindow()
        window.resize(1500, 880)
        window.show()
        return app.exec()
    from gui.launch import main as desk_main

    return desk_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
