"""The desk's icon from `resources/icons/`, in a checkout and in the PyInstaller bundle.

In a checkout `resources/` sits beside `gui/`; in the one-folder bundle PyInstaller unpacks it
to `sys._MEIPASS/resources` (see packaging/orderdesk.spec). `desk_icon()` holds every PNG
size, so Qt picks the sharpest one for each use and display scaling; when the resources are
missing it draws a stand-in at the asked device pixel ratio rather than show nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

__all__ = ["ICON_SIZES_PX", "desk_icon", "drawn_pixmap", "resources_dir"]

ICON_SIZES_PX: tuple[int, ...] = (16, 32, 48, 64, 128, 256)
"""The sizes of `resources/icons/orderdesk-<n>.png`."""

_BADGE = QColor("#3d8bfd")


def resources_dir() -> Path:
    """The `resources/` directory: `sys._MEIPASS/resources` in the bundle, else the
    checkout's (two levels above `gui/qt/`). It may not exist (a wheel without it)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle, str):
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def drawn_pixmap(size_px: int, device_pixel_ratio: float) -> QPixmap:
    """A stand-in icon (a blue badge with "OD") `size_px` logical pixels square.

    Args:
        size_px: Logical (device-independent) size.
        device_pixel_ratio: The screen's ratio (`widget.devicePixelRatioF()`); the pixmap
            holds `size_px * ratio` physical pixels and draws at `size_px`.
    """
    physical = max(round(size_px * device_pixel_ratio), 1)
    pixmap = QPixmap(physical, physical)
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = QRectF(0, 0, size_px, size_px).adjusted(0.5, 0.5, -0.5, -0.5)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_BADGE)
    painter.drawRoundedRect(box, size_px * 0.2, size_px * 0.2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(round(size_px * 0.45), 6))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "OD")
    painter.end()
    return pixmap


def desk_icon() -> QIcon:
    """The OrderDesk icon at every size in `resources/icons/` (or drawn when none is there).

    Qt chooses the file nearest `logical size * devicePixelRatio` wherever it is shown
    (window, tray, About box), so it stays sharp on scaled displays.
    """
    icon = QIcon()
    folder = resources_dir() / "icons"
    for size_px in ICON_SIZES_PX:
        path = folder / f"orderdesk-{size_px}.png"
        if path.is_file():
            icon.addFile(str(path))
    if icon.isNull():
        for size_px in ICON_SIZES_PX:
            icon.addPixmap(drawn_pixmap(size_px, 1.0))
    return icon
