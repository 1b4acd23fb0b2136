"""The desk's widgets: the only package (with `gui.app`) that imports PySide6 or pyqtgraph."""
