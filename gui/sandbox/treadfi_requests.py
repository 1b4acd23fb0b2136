"""Reading Tread.fi requests in the emulator: refusals, query values, amend bodies.

Every refusal raises `ApiError` carrying the status and the exact body the doc gives for it
(notes.md §3 and the §5.3 catalogue); where the doc names a case but not its words, the
message is ours and says so in a comment.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response

from gui.sandbox.treadfi_wire import TreadAccount

MAX_PAGE_SIZE = 1000
"""Largest `page_size` (decision 19)."""


class ApiError(Exception):
    """A refusal: the HTTP status and the exact body to answer with."""

    def __init__(self, status_code: int, body: object, *, plain_text: bool = False) -> None:
        """Build the refusal.

        Args:
            status_code: HTTP status.
            body: JSON body (a dict or a bare string), or the text when `plain_text`.
            plain_text: Answer with `text/plain` instead of JSON (§3.6's 404).
        """
        super().__init__(status_code, body)
        self.status_code = status_code
        self.body = body
        self.plain_text = plain_text

    def response(self) -> Response:
        """The Starlette response for this refusal."""
        if self.plain_text:
            return PlainTextResponse(str(self.body), status_code=self.status_code)
        return JSONResponse(self.body, status_code=self.status_code)


def rejected(*messages: str) -> ApiError:
    """400 with the submit-validation body `{"errors": [...]}` (§3.3)."""
    return ApiError(400, {"errors": list(messages)})


def parse_json_body(raw: bytes) -> object:
    """The request body as JSON with exact decimals; an empty body is None.

    Raises:
        ApiError: 400 with DRF's parse-error body.
    """
    if not raw.strip():
        return None
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, {"detail": f"JSON parse error - {exc}"}) from None


def canonical_order_id(text: str) -> str | None:
    """The lowercase UUID form of an order id, or None when it is not a UUID."""
    try:
        return str(uuid.UUID(text))
    except (ValueError, AttributeError, TypeError):
        return None


def to_decimal(value: object) -> Decimal | None:
    """A finite Decimal from a JSON number or numeric string; None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        return None
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def parse_bool(params: Mapping[str, str], name: str, default: bool) -> bool:
    """A boolean query parameter: `true`/`false`/`1`/`0`, any case (decision 12).

    Raises:
        ApiError: 400 `{"error": ...}` for another value (our wording).
    """
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ApiError(400, {"error": f"Invalid value for {name}: {raw}"})


def parse_date(params: Mapping[str, str], name: str) -> datetime | None:
    """An ISO 8601 query timestamp (naive means UTC).

    Raises:
        ApiError: 400 `{"message": "Invalid <name> date format"}` (§3.1).
    """
    raw = params.get(name)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise ApiError(400, {"message": f"Invalid {name} date format"}) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_page(params: Mapping[str, str], default_size: int) -> tuple[int, int]:
    """(`page`, `page_size`), both >= 1 (decision 19).

    Raises:
        ApiError: 400 `{"message": "Invalid page"}` (our wording) or, above 1000,
            `{"error": "page_size cannot be greater than 1000"}` (§3.5).
    """
    try:
        page = int(params.get("page") or 1)
        page_size = int(params.get("page_size") or default_size)
    except ValueError:
        raise ApiError(400, {"message": "Invalid page"}) from None
    if page < 1 or page_size < 1:
        raise ApiError(400, {"message": "Invalid page"})
    if page_size > MAX_PAGE_SIZE:
        raise ApiError(400, {"error": f"page_size cannot be greater than {MAX_PAGE_SIZE}"})
    return page, page_size


def resolve_accounts(
    names: list[str], book: Mapping[str, TreadAccount]
) -> tuple[TreadAccount, ...]:
    """The accounts for display names (decision 29).

    Raises:
        ApiError: 400 `{"error": "Account display name '<x>' not found for user"}` (§3.1).
    """
    for name in names:
        if name not in book:
            raise ApiError(400, {"error": f"Account display name '{name}' not found for user"})
    return tuple(book[name] for name in names)


def comma_list(raw: str | None) -> list[str]:
    """Non-empty items of a comma-separated parameter."""
    return [item.strip() for item in (raw or "").split(",") if item.strip()]


def is_absent(value: object) -> bool:
    """True for a missing JSON value: null, an empty string or an empty list."""
    return value is None or value == "" or value == []


@dataclass(frozen=True, slots=True)
class AmendRequest:
    """A checked `POST /api/amend_order/` body (§3.12); None means unchanged.

    Attributes:
        order_id: Canonical order UUID.
        base_asset_qty: New target in base asset.
        quote_asset_qty: New target in quote asset.
        duration_s: New window length from the start, seconds.
        pov_target: New participation fraction.
        limit_price: New limit, quote per base.
    """

    order_id: str
    base_asset_qty: Decimal | None = None
    quote_asset_qty: Decimal | None = None
    duration_s: int | None = None
    pov_target: Decimal | None = None
    limit_price: Decimal | None = None


AMENDABLE_FIELDS = ("base_asset_qty", "quote_asset_qty", "duration", "pov_target", "limit_price")
"""The keys `changes` may hold (§3.12)."""


def parse_amend(body: object) -> AmendRequest:
    """Read an amend body; order-dependent rules are the handler's.

    Raises:
        ApiError: 400 for a missing or malformed field or an unknown key, 422 for both
            quantity fields or an invalid limit price (§3.12, decision 16).
    """
    missing = ApiError(400, {"error": "Missing required field(s): order_id, changes"})
    if not isinstance(body, dict) or is_absent(body.get("order_id")):
        raise missing
    changes = body.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise missing
    order_id = canonical_order_id(body["order_id"])
    if order_id is None:
        raise ApiError(400, {"error": "Invalid order ID format"})
    unknown = sorted(set(changes) - set(AMENDABLE_FIELDS))
    if unknown:
        raise ApiError(400, {"error": f"Invalid field(s) in changes: {unknown}"})  # decision 16
    if "base_asset_qty" in changes and "quote_asset_qty" in changes:
        raise ApiError(422, {"error": "Cannot update both base_asset_qty and quote_asset_qty"})
    values: dict[str, Any] = {}
    for name in ("base_asset_qty", "quote_asset_qty", "pov_target"):
        if name in changes:
            value = to_decimal(changes[name])
            if value is None or value <= 0 or (name == "pov_target" and value > 1):
                raise ApiError(400, {"error": f"Invalid value for {name}: {changes[name]}"})
            values[name] = value
    if "duration" in changes:
        duration = changes["duration"]
        if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
            raise ApiError(400, {"error": f"Invalid value for duration: {duration}"})
        values["duration_s"] = duration
    if "limit_price" in changes:
        limit = to_decimal(changes["limit_price"])
        if limit is None or limit <= 0:
            raise ApiError(422, {"error": "Limit price must be a positive number"})
        values["limit_price"] = limit
    return AmendRequest(order_id=order_id, **values)
