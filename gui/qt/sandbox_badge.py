"""Sandbox or live, at a glance: the window title and an amber "SANDBOX" badge.

Issue 7 item 1: the sandbox is "marked as sandbox everywhere (title bar, status bar), so
nobody mistakes it for a live venue".

The badge sits at the left end of the status bar and stays there while the status bar shows
a message. `QStatusBar` hides its normal (left) widgets during a message and draws the
message from its left edge, and its permanent widgets sit at the right; so the badge lives in
an opaque strip, the status bar's first normal widget, which shows again on every message
and repeats the message to the right of the badge. `QStatusBar.currentMessage()` and message
timeouts work as before.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QSizePolicy, QStatusBar, QWidget

__all__ = ["LIVE_TITLE", "SANDBOX_TITLE", "install_sandbox_badge", "set_mode_title"]

_W = TypeVar("_W", bound=QWidget)


def _named(widget: _W, name: str) -> _W:
    widget.setObjectName(name)  # a stable identifier tests and styles find it by
    return widget


SANDBOX_TITLE = "OrderDesk — SANDBOX (simulated venues)"
"""The main window's title while it trades the sandbox."""
LIVE_TITLE = "OrderDesk — LIVE"
"""The main window's title while it trades live accounts."""

_BADGE_STYLE = (
    "QLabel { background: #f0b429; color: #1b1400; font-weight: bold; letter-spacing: 1px;"
    " border-radius: 3px; padding: 1px 8px; }"
)
_BADGE_TIP = (
    "Simulated venues on this machine (127.0.0.1): no order reaches a real venue. "
    "Live accounts: Settings > Accounts…, then start OrderDesk without --sandbox."
)


class _BadgeStrip(QWidget):
    """The badge and, right of it, the status bar's current message."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.setObjectName("statusbar.sandbox_strip")
        # Opaque: it covers the message QStatusBar paints beneath it.
        self.setAutoFillBackground(True)
        self.badge = _named(QLabel("SANDBOX"), "statusbar.sandbox_badge")
        self.badge.setStyleSheet(_BADGE_STYLE)
        self.badge.setToolTip(_BADGE_TIP)
        self.message = _named(QLabel(), "statusbar.sandbox_message")
        # A long message takes only the room left: the venue indicators keep their width.
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.badge)
        layout.addWidget(self.message, 1)
        bar.messageChanged.connect(self.show_message)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.show()  # QStatusBar hid it for the message


def set_mode_title(window: QMainWindow, *, sandbox: bool) -> None:
    """Title the window `SANDBOX_TITLE` or `LIVE_TITLE`."""
    window.setWindowTitle(SANDBOX_TITLE if sandbox else LIVE_TITLE)


def install_sandbox_badge(window: QMainWindow) -> QLabel:
    """Mark `window` as trading the sandbox: title and a permanent amber badge at the left
    of its status bar.

    Returns:
        The badge (objectName `statusbar.sandbox_badge`, text "SANDBOX").
    """
    set_mode_title(window, sandbox=True)
    bar = window.statusBar()
    strip = _BadgeStrip(bar)
    bar.insertWidget(0, strip, 1)
    strip.show_message(bar.currentMessage())
    return strip.badge
