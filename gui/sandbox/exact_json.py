"""Exact JSON for the emulators' responses: a Decimal is written with exactly its digits.

The venue docs show JSON numbers. `json.dumps` cannot write a Decimal, and going through
float would round (0.1 + 0.2 style, and prices with more than 15-17 digits), so the
emulators write their own JSON: a Decimal becomes a JSON number with exactly its digits (no
exponent, trailing zeros dropped), and a client parsing with Decimal gets back the engine's
value. Compact: no blanks between items.

Sandbox-only on purpose: the venue clients have their own encoder, so an emulator never
shares a bug with the code it tests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from starlette.background import BackgroundTask
from starlette.responses import Response


def number_text(value: Decimal) -> str:
    """A finite Decimal as JSON number text: `0.5`, `60000`, `0.00001`, `24.975`.

    Raises:
        ValueError: NaN or infinity.
    """
    if not value.is_finite():
        raise ValueError(f"JSON has no {value}")
    text = format(value.normalize(), "f")
    return "0" if text in ("0", "-0") else text


def to_json(value: object, *, floats: bool = False) -> str:
    """JSON text of dicts, lists, strings, bools, None, ints and Decimals (exact).

    Args:
        value: The body.
        floats: Also write floats (as the Decimal of their shortest repr); otherwise a
            float is refused like any other type.

    Raises:
        TypeError: A value of another type.
        ValueError: A Decimal (or float) that is NaN or infinite.
    """
    parts: list[str] = []
    _write(value, parts, floats)
    return "".join(parts)


def _write(value: object, parts: list[str], floats: bool) -> None:
    if value is None or isinstance(value, (bool, str)):
        parts.append(json.dumps(value))
    elif isinstance(value, Decimal):
        parts.append(number_text(value))
    elif isinstance(value, int):
        parts.append(str(value))
    elif floats and isinstance(value, float):
        parts.append(number_text(Decimal(repr(value))))
    elif isinstance(value, Mapping):
        parts.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                parts.append(",")
            parts.append(json.dumps(str(key)))
            parts.append(":")
            _write(item, parts, floats)
        parts.append("}")
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts, floats)
        parts.append("]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


class ExactJSONResponse(Response):
    """A JSON response whose Decimals are written exactly (see `to_json`).

    Attributes:
        floats: Whether the body may hold floats (`to_json(floats=...)`); an emulator that
            allows them subclasses with `floats = True`.
    """

    media_type = "application/json"
    floats: ClassVar[bool] = False

    def __init__(
        self,
        content: object,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        """Build the response.

        Args:
            content: The body (see `to_json` for the types allowed).
            status_code: HTTP status.
            headers: Extra headers.
            background: Task to run after the response.
        """
        super().__init__(content, status_code, headers, None, background)

    def render(self, content: Any) -> bytes:
        """UTF-8 JSON text of `content`."""
        return to_json(content, floats=self.floats).encode("utf-8")
