"""Fixtures of the end-to-end tests: the sandbox over loopback and a desk wired to it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from gui.app import Desk, build_desk
from gui.sandbox.server import running_sandbox


@pytest.fixture
def endpoints() -> Iterator[dict[str, dict[str, Any]]]:
    with running_sandbox(seed=3, speed=60.0) as served:
        yield {name: dataclasses.asdict(endpoint) for name, endpoint in served.items()}


@pytest.fixture
def desk(qtbot: Any, endpoints: dict, tmp_path: Path) -> Desk:
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    built = build_desk(endpoints, settings, fast_interval_s=0.2, slow_interval_s=0.5)
    qtbot.addWidget(built.window)
    built.window.show()
    return built
