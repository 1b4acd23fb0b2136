"""The raw Tread.fi Core Order API: one method per documented endpoint, wire models out.

Source: shared/venues/treadfi/api-reference.md ("Core Order API"), digested in notes.md §3.
Paths keep the document's trailing slashes exactly (notes §2.1). Success is decided by the
HTTP status alone (notes §5.2); error bodies come in six shapes, read by `extract_message`.
Every request goes through the connection's `VenueHttp` (`TreadfiConfig.rate_limit`, a 429's
`Retry-After` holds it, notes §5.5). Reads and cancels (one order, cancel-all) are retried on
5xx/429/transport errors; submit, amend, pause and resume are sent once (notes §5.2 "Never
auto-retry a submit"). Token auth signs no timestamp, so there is no clock re-sync.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from gui.venues.http import (
    AccountLimiter,
    RetryPolicy,
    VenueHttp,
    VenueMessage,
    build_async_client,
)
from gui.venues.listing_cache import ListingCache
from gui.venues.treadfi import wire
from gui.venues.treadfi.auth import TreadfiAuth
from gui.venues.treadfi.config import VENUE, TreadfiConfig
from gui.venues.wire_types import loads, parse_answer

_Model = TypeVar("_Model", bound=BaseModel)


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "; ".join(_as_text(item) for item in value)
    return json.dumps(value)


def extract_message(response: httpx.Response) -> VenueMessage:
    """The venue's words in an error body, by notes §5.2's priority.

    `detail` > `error` > `errors` (a list is joined with "; ") > `message` > a bare JSON
    string > the raw text (the 404 of `GET /api/order/{id}` is plain text). Tread.fi has
    no error codes, so `code` is always "".
    """
    try:
        body = loads(response.content)  # depth-limited: a hostile body cannot recurse us
    except ValueError:
        return VenueMessage(response.text.strip())
    if isinstance(body, str):
        return VenueMessage(body.strip())
    if isinstance(body, dict):
        for key in ("detail", "error", "errors", "message"):
            if body.get(key) not in (None, "", []):
                return VenueMessage(_as_text(body[key]))
    return VenueMessage(response.text.strip())


def _csv(values: Iterable[str], name: str) -> str:
    items = list(values)
    if any("," in item for item in items):
        raise ValueError(f"{name} are sent comma-separated, so none may contain a comma: {items}")
    return ",".join(items)


def _iso(ts: datetime) -> str:
    if ts.tzinfo is None:
        raise ValueError(f"timestamps sent to Tread.fi must be timezone-aware, got {ts!r}")
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(model: type[_Model], response: httpx.Response, what: str) -> _Model:
    return parse_answer(model, response, what, venue=VENUE)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _id(order_id: str) -> str:
    return quote(order_id, safe="")


class TreadfiClient:
    """One Tread.fi API token's connection.

    Args:
        config: Instance URL, timeouts, self-throttle and retry limits.
        api_key: The API token (never logged).
        transport: Replaces the network (tests pass `httpx.ASGITransport`).
        sleep: Coroutine that waits between retries and out 429 holds (injectable).

    Attributes:
        http: The connection's request door: its limiter (`TreadfiConfig.rate_limit`).
    """

    def __init__(
        self,
        config: TreadfiConfig,
        api_key: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        client = build_async_client(
            config.base_url,
            auth=TreadfiAuth(api_key, config.auth_scheme),
            timeout_s=config.timeout_s,
            transport=transport,
        )
        self._http = VenueHttp(
            VENUE,
            client,
            extract_message,
            retry=RetryPolicy.from_config(config),
            limiter=AccountLimiter.single(VENUE, config.rate_limit, sleep=sleep),
            sleep=sleep,
        )
        self.http = self._http
        self._active = ListingCache[wire.Order](("orders",))

    async def _read(
        self,
        model: type[_Model],
        path: str,
        params: dict[str, str] | None = None,
        *,
        decode: Callable[[bytes], Any] = loads,
    ) -> _Model:
        response = await self._http.request("GET", path, params=params)
        return parse_answer(model, response, f"GET {path}", venue=VENUE, decode=decode)

    async def _write(
        self,
        method: str,
        path: str,
        *,
        body: object = None,
        params: dict[str, str] | None = None,
        idempotent: bool = False,
    ) -> wire.Acknowledgement:
        response = await self._http.request(
            method, path, params=params, json=body, idempotent=idempotent
        )
        try:
            return wire.Acknowledgement.model_validate_json(response.content)
        except ValidationError:
            # Any 2xx is success (notes §7.18, §7.34); keep whatever the venue said.
            return wire.Acknowledgement(message=response.text.strip())

    async def list_orders(
        self,
        *,
        statuses: Iterable[str] | None = None,
        account_names: Iterable[str] | None = None,
        before: datetime | None = None,
        after: datetime | None = None,
        custom_order_ids: Iterable[str] | None = None,
        page: int | None = None,
        page_size: int | None = None,
    ) -> wire.OrderPage:
        """Orders of the past 12 months, one page. `GET /api/orders/` (doc "Get all orders").

        Args:
            statuses: Venue statuses, e.g. `ACTIVE`, `PAUSED` (both spellings accepted).
            account_names: Account display names (`username/account` for others' accounts).
            before: Only orders created before this time (aware).
            after: Only orders created after this time (aware).
            custom_order_ids: Only orders with these client order ids.
            page: 1-based page number (venue default 1).
            page_size: Orders per page (venue default 100).

        Returns:
            The page; a bare-array answer (notes §7.20) has no pagination fields.

        Raises:
            VenueRejected: Bad date or unknown account (HTTP 400).
            VenueAuthError: Token missing or invalid (HTTP 401).
            VenueUnavailable: HTTP 5xx, after retries.
            VenueTransportError: No usable answer.
        """
        params: dict[str, str] = {}
        if statuses is not None:
            params["statuses"] = _csv(statuses, "statuses")
        if account_names is not None:
            params["account_names"] = _csv(account_names, "account names")
        if before is not None:
            params["before"] = _iso(before)
        if after is not None:
            params["after"] = _iso(after)
        if custom_order_ids is not None:
            params["custom_order_ids"] = _csv(custom_order_ids, "custom order ids")
        if page is not None:
            params["page"] = str(page)
        if page_size is not None:
            params["page_size"] = str(page_size)
        return await self._read(wire.OrderPage, "/api/orders/", params)

    async def orders_by_custom_order_ids(
        self, custom_order_ids: Iterable[str], *, account_names: Iterable[str] | None = None
    ) -> wire.OrderPage:
        """Orders by client order id: `GET /api/orders/?custom_order_ids=...` (doc "Get order
        details by custom ID"). The other filters of that endpoint are `list_orders`'.

        Args:
            custom_order_ids: Client order ids (no commas).
            account_names: Only these accounts.

        Raises:
            As `list_orders`.
        """
        return await self.list_orders(
            custom_order_ids=custom_order_ids, account_names=account_names
        )

    async def active_orders(
        self,
        *,
        exclude_paused: bool | None = None,
        account_names: Iterable[str] | None = None,
        only_active: bool | None = None,
    ) -> wire.ActiveOrders:
        """Every non-terminal order, unpaginated, with fills. `GET /api/active_orders/`.

        Orders whose JSON is byte for byte that of the previous answer are not decoded or
        validated again: they come back as the very models of that answer
        (`gui.venues.listing_cache`), so a caller may compare them by identity.

        Args:
            exclude_paused: Drop PAUSED orders (venue default true).
            account_names: Account display names to keep.
            only_active: Keep only ACTIVE/FINISHER orders (venue default false).

        Raises:
            VenueRejected: Unknown account (HTTP 400).
            VenueAuthError: HTTP 401.
            VenueUnavailable: HTTP 5xx, after retries.
            VenueTransportError: No usable answer.
        """
        params: dict[str, str] = {}
        if exclude_paused is not None:
            params["exclude_paused"] = _flag(exclude_paused)
        if account_names is not None:
            params["account_names"] = _csv(account_names, "account names")
        if only_active is not None:
            params["only_active"] = _flag(only_active)
        # Incremental (`ListingCache`): unchanged orders come back as last answer's models.
        listing = self._active.poll()
        answer = await self._read(
            wire.ActiveOrders, "/api/active_orders/", params, decode=listing.decode
        )
        listing.learn([answer.orders])
        listing.finish()
        return answer

    async def submit_order(self, request: wire.SubmitOrderRequest) -> wire.Order:
        """Submit an order; sent once, never retried. `POST /api/orders/` (doc "Submit an
        order"); the venue answers 201 with the full order object.

        Raises:
            VenueRejected: Validation (HTTP 400) or venue refusal such as balance (422).
            VenueAuthError: HTTP 401, or 403 (superuser on retail, account access).
            VenueUnavailable: HTTP 5xx: the order may or may not exist.
            VenueTransportError: No usable answer: the order may or may not exist; look it
                up by `custom_order_id`.
        """
        response = await self._http.request(
            "POST", "/api/orders/", json=request.model_dump(exclude_none=True)
        )
        return _parse(wire.Order, response, "POST /api/orders/")

    async def order_summary(self, order_id: str) -> wire.OrderSummary:
        """An order's summary, without fills. `GET /api/order_summary/{id}`.

        Raises:
            VenueRejected: Malformed id (HTTP 400).
            VenueAuthError: HTTP 401 (also another user's order).
            VenueNotFound: No such order (HTTP 404).
            VenueUnavailable: HTTP 5xx, after retries.
            VenueTransportError: No usable answer.
        """
        return await self._read(wire.OrderSummary, f"/api/order_summary/{_id(order_id)}")

    async def orders_with_stats(
        self, *, page: int | None = None, page_size: int | None = None
    ) -> wire.OrdersWithStatsPage:
        """Orders with benchmarks and flat fills, one page. `GET /api/orders_with_stats/`.

        Args:
            page: 1-based page number.
            page_size: Orders per page (at most 1000).

        Raises:
            VenueRejected: page_size above 1000 (HTTP 400).
            VenueAuthError: HTTP 401.
            VenueUnavailable: HTTP 5xx, after retries.
            VenueTransportError: No usable answer.
        """
        params: dict[str, str] = {}
        if page is not None:
            params["page"] = str(page)
        if page_size is not None:
            params["page_size"] = str(page_size)
        return await self._read(wire.OrdersWithStatsPage, "/api/orders_with_stats/", params)

    async def order_detail(self, order_id: str, *, include_fills: bool = False) -> wire.Order:
        """One order in full, with placements (and flat fills when asked).
        `GET /api/order/{id}` (doc "Get order details").

        Raises:
            VenueNotFound: No such order (HTTP 404, plain-text body).
            VenueAuthError: HTTP 401.
            VenueUnavailable: HTTP 5xx, after retries.
            VenueTransportError: No usable answer.
        """
        params = {"include_fills": "true"} if include_fills else None
        return await self._read(wire.Order, f"/api/order/{_id(order_id)}", params)

    async def order_errors(self, order_ids: Iterable[str] | None = None) -> wire.OrderMessages:
        """Orders' message logs (ERROR/WARN/INFO, newest first). `GET /api/order_errors/`.

        Args:
            order_ids: Orders to ask about; None asks about every order (can be large).

        Raises:
            VenueRejected: Malformed id (HTTP 400).
            VenueAuthError: Another user's order (HTTP 401).
            VenueNotFound: Unknown order (HTTP 404).
            VenueTransportError: No usable answer.
        """
        params = None if order_ids is None else {"order_ids": _csv(order_ids, "order ids")}
        return await self._read(wire.OrderMessages, "/api/order_errors/", params)

    async def cancel_order(self, order_id: str) -> wire.Acknowledgement:
        """Cancel an order and its placements. `DELETE /api/order/{id}`; idempotent on the
        venue ("Order already canceled!"), so retried like a read.

        Raises:
            VenueNotFound: No such order (HTTP 404).
            VenueRejected: Malformed id (400) or not cancellable (422).
            VenueAuthError: HTTP 401.
            VenueUnavailable: HTTP 5xx.
            VenueTransportError: No answer: the outcome is unknown.
        """
        return await self._write("DELETE", f"/api/order/{_id(order_id)}", idempotent=True)

    async def pause_order(self, order_id: str) -> wire.Acknowledgement:
        """Pause an ACTIVE order. `POST /api/pause_order/` (202).

        Raises:
            VenueRejected: Not running, "Order is not running." (HTTP 422), or bad id (400).
            VenueNotFound: No such order (HTTP 404).
            VenueAuthError: HTTP 401.
            VenueUnavailable: HTTP 5xx.
            VenueTransportError: No answer: the outcome is unknown.
        """
        return await self._write("POST", "/api/pause_order/", body={"order_id": order_id})

    async def resume_order(self, order_id: str) -> wire.Acknowledgement:
        """Resume a PAUSED order. `POST /api/resume_order/` (202).

        Raises:
            VenueRejected: Not paused, "Order is not paused." (HTTP 422), or bad id (400).
            VenueNotFound: No such order (HTTP 404).
            VenueUnavailable: HTTP 5xx.
            VenueTransportError: No answer: the outcome is unknown.
        """
        return await self._write("POST", "/api/resume_order/", body={"order_id": order_id})

    async def amend_order(self, order_id: str, changes: wire.AmendChanges) -> wire.Acknowledgement:
        """Change quantity, duration, POV target or limit. `POST /api/amend_order/` (202);
        the answer carries no order, so re-read it to see the new values.

        Raises:
            VenueRejected: Bad request (HTTP 400) or refused amendment (422).
            VenueAuthError: HTTP 401/403.
            VenueNotFound: No such order (HTTP 404).
            VenueUnavailable: HTTP 5xx.
            VenueTransportError: No answer: the outcome is unknown.
        """
        body = {"order_id": order_id, "changes": changes.model_dump(exclude_none=True)}
        return await self._write("POST", "/api/amend_order/", body=body)

    async def cancel_all_orders(
        self, *, account_names: Iterable[str] | None = None, exclude_paused: bool | None = None
    ) -> wire.Acknowledgement:
        """Cancel every non-terminal order. `POST /api/cancel_all_orders/` (200 also when
        there was nothing to cancel).

        Args:
            account_names: Only these accounts (sent as one comma-separated string).
            exclude_paused: Leave PAUSED orders alone (venue default true).

        Raises:
            VenueRejected: Unknown account (400) or partial failure (422).
            VenueAuthError: HTTP 401.
            VenueUnavailable: HTTP 5xx.
            VenueTransportError: No answer: the outcome is unknown.
        """
        params = None if exclude_paused is None else {"exclude_paused": _flag(exclude_paused)}
        body = None
        if account_names is not None:
            body = {"account_names": _csv(account_names, "account names")}
        return await self._write(
            "POST", "/api/cancel_all_orders/", body=body, params=params, idempotent=True
        )

    async def pause_all_orders(self) -> wire.Acknowledgement:
        """Pause every ACTIVE order of the token's user (all accounts). No body.
        `POST /api/pause_all_orders/` (200).

        Raises:
            VenueRejected: Nothing to pause (400) or partial failure (422).
            VenueAuthError: HTTP 401.
            VenueUnavailable: HTTP 5xx.
            VenueTransportError: No answer: the outcome is unknown.
        """
        return await self._write("POST", "/api/pause_all_orders/")

    async def resume_all_orders(self) -> wire.Acknowledgement:
        """Resume every PAUSED single-leg order of the token's user (all accounts). No body.
        `POST /api/resume_all_orders/` (200).

        Raises:
            VenueRejected: "No paused orders to resume." (HTTP 400).
            VenueAuthError: HTTP 401.
            VenueUnavailable: HTTP 5xx.
            VenueTransportError: No answer: the outcome is unknown.
        """
        return await self._write("POST", "/api/resume_all_orders/")

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
