"""The shipped resources and the packaging inputs, checked from the source tree (fast).

The bundle itself is built and run by `test_bundle.py` (`pytest -m packaging`).
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from gui.qt import icons

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"


def test_resources_dir_is_the_checkouts_resources_folder() -> None:
    assert icons.resources_dir() == REPO / "resources"


def test_resources_dir_in_a_bundle_is_under_meipass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert icons.resources_dir() == tmp_path / "resources"


def test_desk_icon_is_the_shipped_order_book_icon_at_every_size(qapp: QApplication) -> None:
    for size_px in icons.ICON_SIZES_PX:
        assert (REPO / "resources" / "icons" / f"orderdesk-{size_px}.png").is_file()

    icon = icons.desk_icon()

    assert {size.width() for size in icon.availableSizes()} == set(icons.ICON_SIZES_PX)
    image = icon.pixmap(QSize(256, 256)).toImage()
    top_ask_bar = image.pixelColor(100, 59)  # the red ask bar of orderdesk.svg, not a stand-in
    assert (top_ask_bar.red(), top_ask_bar.green() < 120, top_ask_bar.alpha()) == (240, True, 255)


def test_desktop_entry_launches_orderdesk_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    entry.read(REPO / "resources" / "orderdesk.desktop", encoding="utf-8")

    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Name"] == "OrderDesk"
    assert desktop["Exec"] == "orderdesk"
    assert desktop["Icon"] == "orderdesk"
    assert desktop["Terminal"] == "false"
    assert desktop["Categories"].split(";")[:2] == ["Office", "Finance"]
    assert (REPO / "resources" / "icons" / "orderdesk.svg").is_file()


def test_spec_bundles_resources_metadata_and_the_keyring_hook() -> None:
    spec = (PACKAGING / "orderdesk.spec").read_text(encoding="utf-8")

    assert '(str(REPO / "resources"), "resources")' in spec
    assert 'copy_metadata("orderdesk")' in spec
    assert '"rthook_keyring.py"' in spec and (PACKAGING / "rthook_keyring.py").is_file()
    assert 'name="orderdesk-sandbox"' in spec  # what gui/sandbox/process.py starts when frozen
    assert '"QtWebEngineCore"' in spec  # unused Qt modules are excluded


def _keyring_chosen_by_the_hook(tmp_path: Path, **env: str) -> str:
    """The class of the backend keyring uses after the runtime hook ran, in a fresh Python."""
    code = (
        "import runpy, sys, keyring; runpy.run_path(sys.argv[1]); "
        "backend = keyring.get_keyring(); "
        "print(type(backend).__module__ + '.' + type(backend).__qualname__)"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"},
        "XDG_CONFIG_HOME": str(tmp_path),  # no keyringrc.cfg of the developer's
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'no-bus'}",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", code, str(PACKAGING / "rthook_keyring.py")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Secret Service is Linux's")
def test_keyring_hook_falls_back_to_no_keyring_without_secret_service(tmp_path: Path) -> None:
    assert _keyring_chosen_by_the_hook(tmp_path) == "keyring.backends.fail.Keyring"


def test_keyring_hook_honours_the_users_backend_choice(tmp_path: Path) -> None:
    chosen = _keyring_chosen_by_the_hook(
        tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring"
    )
    assert chosen == "keyring.backends.null.Keyring"
