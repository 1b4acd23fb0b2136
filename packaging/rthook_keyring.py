"""PyInstaller runtime hook of `orderdesk`: choose the OS keyring backend explicitly.

keyring normally finds its backends through entry points and ranks them by priority; in a
bundle that search depends on which metadata and modules PyInstaller happened to collect.
This hook runs before the desk's code and sets the one backend the platform should use:

- `PYTHON_KEYRING_BACKEND` or a `keyringrc.cfg` naming a backend: that one (the user's
  explicit choice wins, as with an unbundled keyring);
- Linux and other freedesktop systems: Secret Service over D-Bus (GNOME Keyring, KWallet
  5.97+, KeePassXC), via secretstorage and jeepney;
- Windows: the Windows Credential Locker (`WinVaultKeyring`);
- macOS: the login Keychain.

When that backend is unusable (no D-Bus session, no Secret Service daemon, a headless box),
it sets keyring's `fail` backend: the desk then reports "no OS keyring" and keeps
credentials for the run only (`gui.oms.keychain.Keychain.available`). Never raises.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend


def _platform_backend() -> KeyringBackend | None:
    """The platform's backend, or None when it is unusable here."""
    try:
        backend_class: type[KeyringBackend]
        if sys.platform == "win32":
            from keyring.backends import Windows

            backend_class = Windows.WinVaultKeyring
        elif sys.platform == "darwin":
            from keyring.backends import macOS

            backend_class = macOS.Keyring
        else:
            from keyring.backends import SecretService

            backend_class = SecretService.Keyring
        # keyring's viability check: the priority raises when the backend cannot work here.
        backend_class.priority  # noqa: B018
        return backend_class()  # type: ignore[no-untyped-call]
    except Exception:  # any failure means "no usable keyring", never a crash at start
        return None


def _select_keyring() -> None:
    try:
        import keyring
        import keyring.core
        from keyring.backends import fail
    except Exception:  # keyring missing from the bundle: the desk reports it itself
        return
    try:
        chosen = keyring.core.load_env() or keyring.core.load_config()
    except Exception:  # a broken user choice falls back to the platform's backend
        chosen = None
    if chosen is None:
        chosen = _platform_backend()
    keyring.set_keyring(chosen if chosen is not None else fail.Keyring())  # type: ignore[no-untyped-call]


_select_keyring()
