"""Render `resources/icons/orderdesk.svg` to the PNGs and the Windows .ico the app ships.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py [--preview FILE]

Writes `resources/icons/orderdesk-<n>.png` for n in ICON_SIZES (the sizes freedesktop icon
themes and Windows use) and `resources/icons/orderdesk.ico` (every size, PNG-compressed
entries, the form Windows Vista and later read). `--preview FILE` also writes one PNG with
every size side by side on light and dark backgrounds, to look at. Run it again after
editing the SVG; the outputs are committed so a build needs no SVG renderer.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
"""Where the SVG source is and the PNGs and the .ico go."""
ICON_SIZES = (16, 32, 48, 64, 128, 256)
"""Square sizes rendered, in pixels."""


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG drawn antialiased on a transparent `size` x `size` ARGB image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    """`image` encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, b"PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding one PNG-compressed entry per size (ICONDIR + ICONDIRENTRY).

    Args:
        pngs: Size in pixels (1..256) -> that size's PNG bytes.
    """
    header = struct.pack("<HHH", 0, 1, len(pngs))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(pngs)
    entries, payload = b"", b""
    for size, data in sorted(pngs.items()):
        edge = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    return header + entries + payload


def preview(images: dict[int, QImage]) -> QImage:
    """Every size side by side, on a dark band above a light band."""
    gap = 16
    width = sum(images) + gap * (len(images) + 1)
    height = 2 * (max(images) + 2 * gap)
    sheet = QImage(width, height, QImage.Format.Format_ARGB32)
    sheet.fill(QColor("#f4f5f7"))
    painter = QPainter(sheet)
    painter.fillRect(0, 0, width, height // 2, QColor("#14171c"))
    for band_top in (0, height // 2):
        x = gap
        for size, image in images.items():
            painter.drawImage(x, band_top + gap, image)
            x += size + gap
    painter.end()
    return sheet


def main(argv: list[str] | None = None) -> int:
    """Write the PNGs and the .ico; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", type=Path, metavar="FILE", help="also write a contact sheet")
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS_DIR / "orderdesk.svg"))
    if not renderer.isValid():
        print("make_icons: orderdesk.svg is not a valid SVG", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in ICON_SIZES}
    pngs = {size: png_bytes(image) for size, image in images.items()}
    for size, data in pngs.items():
        (ICONS_DIR / f"orderdesk-{size}.png").write_bytes(data)
    (ICONS_DIR / "orderdesk.ico").write_bytes(ico_bytes(pngs))
    if args.preview is not None:
        preview(images).save(str(args.preview))
    print(f"wrote {len(pngs)} PNGs and orderdesk.ico to {ICONS_DIR}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
