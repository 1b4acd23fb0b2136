"""The Qt bindings we run on must not corrupt the interpreter.

Regression: PySide6 6.12.0 on CPython 3.11 dropped a reference to `True` on every
`Signal.emit()`; after a few thousand emits the interpreter aborted with
"Fatal Python error: bool_dealloc" (the desk emits thousands a minute). pyproject.toml pins
below 6.12 for that; this test fails if a future pin brings such a defect back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    bare = Signal()
    payload = Signal(object)


def test_emitting_signals_does_not_leak_or_steal_references_to_true(qapp: object) -> None:
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.bare.emit()
        emitter.payload.emit([1])
    assert abs(sys.getrefcount(True) - before) < 10
