"""A test-only keyring backend whose entries come from an environment variable.

A desk run as a subprocess picks it with `PYTHON_KEYRING_BACKEND=tests.keyring_backend.EnvKeyring`
(and `PYTHONPATH` at the repository root). Its entries are the JSON object in
`ORDERDESK_TEST_KEYRING`: `{"<service>": {"<username>": "<password>"}}`. Writes and deletes
change this process's copy only: it never writes a file, so a test that searches every file
the desk wrote finds nothing the backend put there.

Without `ORDERDESK_TEST_KEYRING` the backend is not viable (its priority raises), so merely
importing this module never makes keyring choose it.
"""

from __future__ import annotations

import json
import os

import keyring.backend
import keyring.errors
from jaraco.classes import properties

ENV_VAR = "ORDERDESK_TEST_KEYRING"
"""The environment variable holding the entries as JSON."""


class EnvKeyring(keyring.backend.KeyringBackend):
    """Entries from `ORDERDESK_TEST_KEYRING`, kept in memory; never touches a file."""

    @properties.classproperty
    def priority(cls) -> float:
        if ENV_VAR not in os.environ:
            raise RuntimeError(f"{ENV_VAR} is not set")
        return 100.0

    def __init__(self) -> None:
        super().__init__()
        loaded = json.loads(os.environ.get(ENV_VAR, "{}"))
        self._entries: dict[str, dict[str, str]] = {
            service: dict(users) for service, users in loaded.items()
        }

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries.get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._entries.setdefault(service, {})[username] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self._entries[service][username]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None
