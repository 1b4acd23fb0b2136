"""Fixtures for the whole suite: Qt offscreen, a qasync loop, the sandbox over loopback."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Free Qt objects only on the GUI thread (see gui/qt/gc_guard.py).

    A Qt test's garbage collected later by a sandbox thread (uvicorn in `running_sandbox`)
    would run Qt destructors off the GUI thread and can crash the interpreter. Automatic
    collection is off while a Qt test runs and a full collection follows it, here.
    """
    if not {"qapp", "qtbot", "qasync_loop"} & set(request.fixturenames):
        yield
        return
    import gc

    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture(autouse=True)
def _no_redactor_left_on_the_log_handlers() -> Iterator[None]:
    """Take the secret redactor off the root handlers after each test.

    `install_redaction` (the desk, an accounts check) attaches it to the root logger's
    handlers, among them pytest's own capture handlers, which live for the whole session; the
    redactor keeps a masked trace as `exc_text` and clears `exc_info`, so a later test
    checking that a trace was logged would see none. Each test starts with clean handlers.
    """
    import logging

    from gui.oms.redaction import SecretRedactor

    yield
    for handler in logging.getLogger().handlers:
        for attached in [f for f in handler.filters if isinstance(f, SecretRedactor)]:
            handler.removeFilter(attached)


@pytest.fixture
def qasync_loop(qapp: object) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync event loop on the test's QApplication, closed properly afterwards.

    Run a scenario with `qasync_loop.run_until_complete(scenario())`; inside it, Qt events
    and asyncio tasks both progress. (An unclosed qasync loop crashes the interpreter at
    exit: see DESIGN.md, pitfalls.)
    """
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        loop.run_until_complete(asyncio.sleep(0))
        asyncio.set_event_loop(None)
        loop.close()
