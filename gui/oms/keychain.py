"""OrderDesk's secrets in the OS keyring, one entry per secret field (issue 5 item 8).

Service `OrderDesk`, username `"<venue>/<account>/<field>"`: an API key, its secret and its
passphrase are three entries. Errors name the entry, never a value. A headless machine may
have no keyring backend at all (keyring's `fail` backend): `Keychain.available()` says so
and the desk runs on without it (DESIGN.md, pitfalls).
"""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

from gui.domain.errors import OrderDeskError

__all__ = ["KEYRING_SERVICE", "Keychain", "KeychainError", "entry_name"]

KEYRING_SERVICE = "OrderDesk"
"""The keyring service name every OrderDesk secret is stored under."""


class KeychainError(OrderDeskError):
    """The OS keyring failed (no backend, locked, refused); names the entry, never a value."""


def entry_name(venue: str, account: str, field: str) -> str:
    """The keyring username of one secret: `"<venue>/<account>/<field>"`."""
    return f"{venue}/{account}/{field}"


class Keychain:
    """OrderDesk's secrets in the OS keyring: one entry per secret field.

    Service `KEYRING_SERVICE`, username `"<venue>/<account>/<field>"`.

    Args:
        backend: The keyring backend; None uses `keyring.get_keyring()` (the OS keyring, or
            the one `PYTHON_KEYRING_BACKEND` names).
        service: The keyring service name.
    """

    def __init__(
        self, backend: keyring.backend.KeyringBackend | None = None, service: str = KEYRING_SERVICE
    ) -> None:
        self._backend = backend
        self.service = service

    def backend(self) -> keyring.backend.KeyringBackend:
        """The backend in use.

        Raises:
            KeychainError: keyring could not choose one.
        """
        if self._backend is None:
            try:
                self._backend = keyring.get_keyring()
            except Exception as exc:  # keyring's selection may fail in many ways
                raise KeychainError(f"no OS keyring ({type(exc).__name__}: {exc})") from None
        return self._backend

    def available(self) -> bool:
        """False when there is no usable backend: keyring's `fail` or `null` backend, an
        empty chain, or keyring raising while choosing one."""
        try:
            backend = self.backend()
        except KeychainError:
            return False
        if isinstance(backend, fail.Keyring | null.Keyring):
            return False
        if isinstance(backend, chainer.ChainerBackend):
            return bool(backend.backends)
        return True

    def get(self, venue: str, account: str, field: str) -> str | None:
        """One secret, or None when the keyring has no such entry.

        Raises:
            KeychainError: The keyring failed (locked, no backend); names the entry only.
        """
        username = entry_name(venue, account, field)
        try:
            return self.backend().get_password(self.service, username)
        except keyring.errors.KeyringError as exc:
            raise KeychainError(
                f"cannot read {self.service} {username} from the OS keyring ({type(exc).__name__})"
            ) from None

    def set(self, venue: str, account: str, field: str, value: str) -> None:
        """Store one secret (replacing any previous value).

        Raises:
            KeychainError: The keyring refused; names the entry only.
        """
        username = entry_name(venue, account, field)
        try:
            self.backend().set_password(self.service, username, value)
        except keyring.errors.KeyringError as exc:
            raise KeychainError(
                f"cannot store {self.service} {username} in the OS keyring ({type(exc).__name__})"
            ) from None

    def delete(self, venue: str, account: str, field: str) -> None:
        """Remove one secret; a missing entry is not an error.

        Raises:
            KeychainError: The keyring failed otherwise; names the entry only.
        """
        username = entry_name(venue, account, field)
        try:
            self.backend().delete_password(self.service, username)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise KeychainError(
                f"cannot delete {self.service} {username} from the OS keyring "
                f"({type(exc).__name__})"
            ) from None
