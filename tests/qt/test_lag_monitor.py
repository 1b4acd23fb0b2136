"""The event-loop lag monitor sees a stalled GUI thread, and the status bar shows it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gui.app import build_desk
from gui.qt.lag_monitor import BUCKET_MS, LagMonitor, LoopLagLabel
from tests.benchmarks.harness import percentile_ms


def test_a_stall_on_the_gui_thread_shows_as_lag(qtbot: QtBot) -> None:
    monitor = LagMonitor(interval_ms=5)
    monitor.start()
    qtbot.waitUntil(lambda: monitor.figures().samples >= 5, timeout=2000)
    monitor.take_recent_max()

    # A handler that holds the GUI thread for 80 ms (parsing a huge answer, say).
    QTimer.singleShot(0, lambda: time.sleep(0.08))
    qtbot.waitUntil(lambda: monitor.max_ms >= 60, timeout=2000)

    assert monitor.max_ms < 1000
    assert monitor.take_recent_max() == monitor.max_ms
    assert monitor.take_recent_max() < monitor.max_ms  # a new span starts after reading
    monitor.stop()
    assert not monitor.running


def test_stopped_means_no_samples_and_reset_forgets(qtbot: QtBot) -> None:
    monitor = LagMonitor(interval_ms=2)
    monitor.start()
    qtbot.waitUntil(lambda: monitor.figures().samples >= 3, timeout=2000)
    monitor.stop()
    count = monitor.figures().samples
    qtbot.wait(30)
    assert monitor.figures().samples == count

    monitor.reset()
    assert monitor.figures().samples == 0
    assert monitor.max_ms == 0.0 and monitor.p99_ms() == 0.0


def test_p99_comes_from_the_rolling_window_to_a_bucket() -> None:
    monitor = LagMonitor(window_size=1000)
    lags_s = [0.001] * 985 + [0.030] * 10 + [0.200] * 5  # 1.5 % above 1 ms
    for lag_s in lags_s:
        monitor.add_sample(lag_s)
    exact_ms = percentile_ms(lags_s, 0.99)
    assert exact_ms - BUCKET_MS < monitor.p99_ms() <= exact_ms + BUCKET_MS
    assert monitor.p99_ms() == pytest.approx(30.0, abs=BUCKET_MS)
    assert monitor.max_ms == pytest.approx(200.0)

    for _ in range(1000):  # a quiet minute pushes the stalls out of the window
        monitor.add_sample(0.0005)
    assert monitor.p99_ms() <= 0.5 + BUCKET_MS
    assert monitor.max_ms == pytest.approx(200.0)  # the maximum is kept until reset


def test_a_negative_lag_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        LagMonitor().add_sample(-0.001)
    with pytest.raises(ValueError, match="interval_ms"):
        LagMonitor(interval_ms=0)


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_desk_status_bar_shows_loop_lag_with_max_and_p99(qtbot: QtBot, tmp_path: Path) -> None:
    desk = build_desk({}, QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
    window = desk.window
    qtbot.addWidget(window)
    window.show()
    label = window.findChild(QLabel, "loopLag")
    assert isinstance(label, LoopLagLabel)
    assert window.lag_monitor.running  # sampling while the window is shown
    qtbot.waitUntil(lambda: window.lag_monitor.figures().samples >= 5, timeout=2000)
    window.lag_monitor.add_sample(0.042)  # as if a 42 ms stall had just happened

    label.refresh()

    assert label.text() == "loop 42 ms"
    assert "max since start: 42.0 ms" in label.toolTip()
    assert "p99 over the last" in label.toolTip()
    window.hide()
    assert not window.lag_monitor.running
