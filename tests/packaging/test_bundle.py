"""The PyInstaller bundle: build it with packaging/build.py, then run it as a user would.

Slow (a build takes a minute or two), so behind the `packaging` marker:
`pytest -m packaging tests/packaging`. Needs `pip install -e '.[package]'`.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 900
"""Longest a build may take, in seconds (about 1.5 minutes on 2 cores with a warm cache)."""
RUN_TIMEOUT_S = 180
"""Longest one run of the bundle may take, in seconds."""


def _executable(bundle: Path, name: str) -> Path:
    return bundle / (f"{name}.exe" if sys.platform == "win32" else name)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundle folder, built once for this module into a temporary dist folder."""
    pytest.importorskip("PyInstaller", reason="needs pip install -e '.[package]'")
    dist = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "build.py"), "--dist", str(dist)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert f"bundle: {dist / 'orderdesk'}" in result.stdout
    yield dist / "orderdesk"


def _user_environment(home: Path) -> dict[str, str]:
    """The environment of a user with empty config and data folders, offscreen Qt."""
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(home / "config"),  # no accounts.toml, no keyringrc.cfg
        "XDG_DATA_HOME": str(home / "data"),
    }


def test_bundle_holds_both_executables_and_the_resources(bundle: Path) -> None:
    assert _executable(bundle, "orderdesk").is_file()
    assert _executable(bundle, "orderdesk-sandbox").is_file()
    assert (bundle / "_internal" / "resources" / "icons" / "orderdesk-256.png").is_file()
    assert (bundle / "_internal" / "resources" / "orderdesk.desktop").is_file()


def test_bundle_prints_the_installed_version(bundle: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(_executable(bundle, "orderdesk")), "--version"],
        env=_user_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )

    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.strip() == f"OrderDesk {importlib.metadata.version('orderdesk')}"


def test_bundle_starts_its_sandbox_and_takes_a_screenshot(bundle: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [
            str(_executable(bundle, "orderdesk")),
            "--sandbox",
            "--screenshot",
            str(shot),
            "--demo-orders",
            "5",
            "--data-dir",
            str(tmp_path / "desk-data"),
            "--settings",
            str(tmp_path / "settings.ini"),
        ],
        env=_user_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )

    assert result.returncode == 0, result.stderr[-4000:]
    image = QImage(str(shot))
    assert not image.isNull()
    assert image.width() > 800
    assert image.height() > 500
