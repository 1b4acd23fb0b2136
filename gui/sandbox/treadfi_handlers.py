"""The Tread.fi emulator's endpoint handlers (authentication is done before they run).

One method per operation of notes.md §3.0; each docstring names its method, path and section.
Handlers raise `ApiError` for refusals; `treadfi.create_app` turns it into the response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gui.domain.orders import Amendment
from gui.sandbox.engine import OrderRefused, SandboxEngine, SimOrder, SimStatus
from gui.sandbox.market import floor_to, pair_spec
from gui.sandbox.sim_order import TERMINAL_STATUSES, WORKING_STATUSES
from gui.sandbox.treadfi_requests import (
    ApiError,
    canonical_order_id,
    comma_list,
    parse_amend,
    parse_bool,
    parse_date,
    parse_json_body,
    parse_page,
    resolve_accounts,
)
from gui.sandbox.treadfi_shapes import (
    created,
    detail,
    page_envelope,
    stats_item,
    summary,
)
from gui.sandbox.treadfi_submit import parse_submit
from gui.sandbox.treadfi_wire import (
    TreadOrderInfo,
    account_book,
    active_fills,
    list_item,
    order_messages,
    target_of,
)

Endpoint = Callable[[Request], Awaitable[Response]]

_STATUS_ALIASES = {"COMPLETED": "COMPLETE", "CANCELLED": "CANCELED"}  # decision 10
_OPEN_STATUSES = frozenset(SimStatus) - TERMINAL_STATUSES  # decision 12
_AMEND_MIN_REMAINING_S = 15.0  # §3.12
_AMEND_MIN_GROWTH = Decimal("1.05")  # §3.12: 5% above executed quantity / elapsed time

_NOT_FOUND_TEXT = "No order found with given ID!"


def _json(body: object, status_code: int = 200) -> Response:
    return JSONResponse(body, status_code=status_code)


class TreadfiEmulator:
    """The emulated user's view of the engine: their orders, accounts and the endpoints.

    Attributes:
        engine: The shared simulated market and execution engine.
        accounts: The user's accounts by display name.
    """

    def __init__(self, engine: SandboxEngine, accounts: Sequence[str]) -> None:
        """Start with no orders.

        Args:
            engine: The shared engine (other emulators' orders in it are invisible here).
            accounts: Display names of the user's accounts.
        """
        self.engine = engine
        self.accounts = account_book(accounts)
        self._infos: dict[str, TreadOrderInfo] = {}

    def endpoints(self) -> list[tuple[str, Endpoint, tuple[str, ...]]]:
        """(documented path, handler, methods) for every operation of §3.0."""
        return [
            ("/api/orders/", self.orders, ("GET", "POST")),
            ("/api/active_orders/", self.active_orders, ("GET",)),
            ("/api/orders_with_stats/", self.orders_with_stats, ("GET",)),
            ("/api/order_errors/", self.order_errors, ("GET",)),
            ("/api/order/{order_id}", self.order, ("GET", "DELETE")),
            ("/api/order/", self.no_order_id, ("GET", "DELETE")),
            ("/api/order_summary/{order_id}", self.order_summary, ("GET",)),
            ("/api/order_summary/", self.no_order_id, ("GET",)),
            ("/api/pause_order/", self.pause_order, ("POST",)),
            ("/api/resume_order/", self.resume_order, ("POST",)),
            ("/api/amend_order/", self.amend_order, ("POST",)),
            ("/api/cancel_all_orders/", self.cancel_all_orders, ("POST",)),
            ("/api/pause_all_orders/", self.pause_all_orders, ("POST",)),
            ("/api/resume_all_orders/", self.resume_all_orders, ("POST",)),
        ]

    # Reads -----------------------------------------------------------------------------------

    async def orders(self, request: Request) -> Response:
        """`GET /api/orders/` (list, §3.1 and §3.7) or `POST /api/orders/` (submit, §3.3)."""
        if request.method == "POST":
            return await self.submit(request)
        params = request.query_params
        statuses = {
            _STATUS_ALIASES.get(s.upper(), s.upper()) for s in comma_list(params.get("statuses"))
        }
        accounts = resolve_accounts(comma_list(params.get("account_names")), self.accounts)
        after, before = parse_date(params, "after"), parse_date(params, "before")
        custom_order_ids = set(comma_list(params.get("custom_order_ids")))
        if "custom_order_ids" in params and not custom_order_ids:
            raise ApiError(400, {"error": "custom_order_ids parameter is required"})
        page, page_size = parse_page(params, default_size=100)
        selected = [
            (info, order)
            for info, order in self._newest_first()
            if (not statuses or order.status.value in statuses)
            and (not accounts or set(accounts) & set(info.accounts))
            and (after is None or order.created_ts > after)  # decision 19: exclusive
            and (before is None or order.created_ts < before)
            and (not custom_order_ids or info.custom_order_id in custom_order_ids)
        ]
        return _json(page_envelope([list_item(*pair) for pair in selected], page, page_size))

    async def active_orders(self, request: Request) -> Response:
        """`GET /api/active_orders/` (§3.2): open orders with their fills, unpaginated."""
        params = request.query_params
        exclude_paused = parse_bool(params, "exclude_paused", default=True)
        only_active = parse_bool(params, "only_active", default=False)
        accounts = resolve_accounts(comma_list(params.get("account_names")), self.accounts)
        wanted = WORKING_STATUSES if only_active else _OPEN_STATUSES
        if exclude_paused:
            wanted = wanted - {SimStatus.PAUSED}
        items = [
            list_item(info, order)
            | {
                "pos_side": info.pos_side,
                "fills": active_fills(info, order),
            }
            for info, order in self._newest_first()
            if order.status in wanted and (not accounts or set(accounts) & set(info.accounts))
        ]
        return _json({"orders": items, "order_count": len(items)})

    async def order(self, request: Request) -> Response:
        """`GET /api/order/{id}` (detail, §3.6, decision 21) or `DELETE /api/order/{id}`
        (cancel, §3.9)."""
        if request.method == "DELETE":
            return self._cancel(request.path_params["order_id"])
        info, order = self._find_by_path(request, plain_text_404=True)
        include_fills = parse_bool(request.query_params, "include_fills", default=False)
        return _json(detail(info, order, include_fills=include_fills))

    async def order_summary(self, request: Request) -> Response:
        """`GET /api/order_summary/{id}` (§3.4)."""
        info, order = self._find_by_path(request, plain_text_404=False)
        return _json(summary(info, order))

    async def orders_with_stats(self, request: Request) -> Response:
        """`GET /api/orders_with_stats/` (§3.5): paginated, default page size 500."""
        page, page_size = parse_page(request.query_params, default_size=500)
        return _json(
            page_envelope([stats_item(*pair) for pair in self._newest_first()], page, page_size)
        )

    async def order_errors(self, request: Request) -> Response:
        """`GET /api/order_errors/` (§3.8, decision 28): messages per order, newest first;
        orders without messages are left out."""
        wanted = comma_list(request.query_params.get("order_ids"))
        if wanted:
            pairs = []
            for raw in wanted:
                order_id = canonical_order_id(raw)
                if order_id is None:
                    raise ApiError(400, {"error": "Invalid order ID format"})  # our wording
                found = self._find(order_id)
                if found is None:
                    raise ApiError(404, {"error": f"Order {raw} not found"})
                pairs.append(found)
        else:
            pairs = self._newest_first()
        return _json(
            {order.order_id: order_messages(order) for _, order in pairs if order.messages}
        )

    async def no_order_id(self, request: Request) -> Response:
        """`/api/order/` and `/api/order_summary/` without an id: 400 (§3.4, §3.9)."""
        return _json("No order ID given!", 400)

    # Writes ----------------------------------------------------------------------------------

    async def submit(self, request: Request) -> Response:
        """`POST /api/orders/` (§3.3): 201 with the 66-field order."""
        body = parse_json_body(await request.body())
        order_request, info = parse_submit(body, self.accounts, self.engine.mid_price)
        try:
            order = self.engine.submit(order_request)
        except OrderRefused as exc:
            raise ApiError(400, {"errors": [str(exc)]}) from None
        self._infos[order.order_id] = info
        return _json(created(info, order), 201)

    def _cancel(self, raw_id: str) -> Response:
        # §3.9; decision 17 for a COMPLETE (or FAILED) order.
        order_id = canonical_order_id(raw_id)
        if order_id is None:
            return _json("Invalid order ID format", 400)
        if self._find(order_id) is None:
            return _json(_NOT_FOUND_TEXT, 404)
        try:
            canceled_now = self.engine.cancel(order_id)
        except OrderRefused:
            return _json({"error": "Order is in a state that cannot be canceled"}, 422)
        return _json("Order canceled!" if canceled_now else "Order already canceled!")

    async def pause_order(self, request: Request) -> Response:
        """`POST /api/pause_order/` (§3.10): ACTIVE only (decision 14); 202."""
        order_id = self._body_order_id(
            await request.body(), invalid_message="Invalid order ID format"
        )
        found = self._find(order_id)
        if found is None:
            raise ApiError(404, {"error": _NOT_FOUND_TEXT})
        if found[1].status is not SimStatus.ACTIVE:
            raise ApiError(422, {"error": "Order is not running."})
        self.engine.pause(order_id)
        return _json({"message": "Successfully paused order."}, 202)

    async def resume_order(self, request: Request) -> Response:
        """`POST /api/resume_order/` (§3.11): PAUSED only; 202."""
        order_id = self._body_order_id(
            await request.body(), invalid_message="Missing required field: order_id"
        )
        found = self._find(order_id)
        if found is None:
            raise ApiError(404, {"error": "Order not found."})
        if found[1].status is not SimStatus.PAUSED:
            raise ApiError(422, {"error": "Order is not paused."})
        self.engine.resume(order_id)
        return _json({"message": "Successfully resumed order."}, 202)

    async def amend_order(self, request: Request) -> Response:
        """`POST /api/amend_order/` (§3.12, decision 16): 202."""
        amend = parse_amend(parse_json_body(await request.body()))
        found = self._find(amend.order_id)
        if found is None:
            raise ApiError(404, {"error": f"Order {amend.order_id} not found"})
        info, order = found
        now = self.engine.clock.now()
        if order.is_terminal:
            raise ApiError(422, {"error": f"Cannot amend an order with status {order.status}"})
        if order.end is not None and (order.end - now).total_seconds() < _AMEND_MIN_REMAINING_S:
            raise ApiError(
                422, {"error": "Cannot amend an order with less than 15 seconds remaining"}
            )
        quantity = self._amended_quantity(info, order, amend.base_asset_qty, amend.quote_asset_qty)
        if amend.duration_s is not None:
            elapsed_s = Decimal(repr(max(0.0, (now - order.start).total_seconds())))
            if amend.duration_s < _AMEND_MIN_GROWTH * elapsed_s:
                raise ApiError(
                    422, {"error": "New duration must be at least 5% above the elapsed time"}
                )
        change = Amendment(quantity, amend.limit_price, amend.duration_s, amend.pov_target)
        try:
            self.engine.amend(order.order_id, change)
        except OrderRefused as exc:
            raise ApiError(422, {"error": str(exc)}) from None
        if amend.quote_asset_qty is not None:
            info.quote_target = amend.quote_asset_qty
        return _json({"message": "Successfully amended order."}, 202)

    async def cancel_all_orders(self, request: Request) -> Response:
        """`POST /api/cancel_all_orders/` (§3.13, decision 13): open orders of the given
        accounts, paused ones only with `exclude_paused=false`; 200 also when none."""
        body = parse_json_body(await request.body())
        raw_names = body.get("account_names") if isinstance(body, dict) else None
        if raw_names is not None and not isinstance(raw_names, str):
            # §3.13 names the case; the wording is ours.
            raise ApiError(400, {"message": "account_names must be a comma-separated string"})
        names = comma_list(raw_names)
        unknown = [name for name in names if name not in self.accounts]
        if unknown:
            failures = [f"Account not found: {name}" for name in unknown]
            raise ApiError(
                400,
                {"message": f"No active orders to cancel. Failed to fetch accounts: {failures}"},
            )
        accounts = {self.accounts[name] for name in names}
        exclude_paused = parse_bool(request.query_params, "exclude_paused", default=True)
        skipped = {SimStatus.PAUSED} if exclude_paused else set()
        targets = [
            order.order_id
            for info, order in self._newest_first()
            if order.status in _OPEN_STATUSES - skipped
            and (not accounts or accounts & set(info.accounts))
        ]
        failed = self._apply_each(targets, self.engine.cancel)
        if failed:
            count = len(targets) - len(failed)
            raise ApiError(
                422, {"error": f"Canceled {count} orders with {len(failed)} failures: {failed}"}
            )
        return _json({"message": "Successfully canceled all orders."})

    async def pause_all_orders(self, request: Request) -> Response:
        """`POST /api/pause_all_orders/` (§3.14): every ACTIVE order (decision 13); 200."""
        targets = [o.order_id for _, o in self._newest_first() if o.status is SimStatus.ACTIVE]
        if not targets:
            raise ApiError(400, {"message": "No active orders to pause."})  # §3.14; our wording
        failed = self._apply_each(targets, self.engine.pause)
        if failed:
            count = len(targets) - len(failed)
            raise ApiError(
                422, {"error": f"Paused {count} orders with {len(failed)} failures: {failed}"}
            )
        return _json({"message": "Successfully paused all orders."})

    async def resume_all_orders(self, request: Request) -> Response:
        """`POST /api/resume_all_orders/` (§3.15): every PAUSED order; 200."""
        targets = [o.order_id for _, o in self._newest_first() if o.status is SimStatus.PAUSED]
        if not targets:
            raise ApiError(400, {"message": "No paused orders to resume."})
        self._apply_each(targets, self.engine.resume)
        return _json({"message": "Successfully resumed all orders."})

    # Helpers ---------------------------------------------------------------------------------

    def _newest_first(self) -> list[tuple[TreadOrderInfo, SimOrder]]:
        # Decision 19: newest first by created_at; the engine lists oldest first.
        return [
            (self._infos[order.order_id], order)
            for order in reversed(self.engine.orders())
            if order.order_id in self._infos
        ]

    def _find(self, order_id: str) -> tuple[TreadOrderInfo, SimOrder] | None:
        info = self._infos.get(order_id)
        return None if info is None else (info, self.engine.get(order_id))

    def _find_by_path(
        self, request: Request, *, plain_text_404: bool
    ) -> tuple[TreadOrderInfo, SimOrder]:
        order_id = canonical_order_id(request.path_params["order_id"])
        if order_id is None:
            raise ApiError(400, "Invalid order ID format")
        found = self._find(order_id)
        if found is None:
            raise ApiError(404, _NOT_FOUND_TEXT, plain_text=plain_text_404)
        return found

    @staticmethod
    def _body_order_id(raw: bytes, *, invalid_message: str) -> str:
        body = parse_json_body(raw)
        value = body.get("order_id") if isinstance(body, dict) else None
        if value is None or value == "":
            raise ApiError(400, {"error": "Missing required field: order_id"})
        order_id = canonical_order_id(value) if isinstance(value, str) else None
        if order_id is None:
            raise ApiError(400, {"error": invalid_message})
        return order_id

    def _amended_quantity(
        self,
        info: TreadOrderInfo,
        order: SimOrder,
        base_qty: Decimal | None,
        quote_qty: Decimal | None,
    ) -> Decimal | None:
        # The new size must be in the order's target token (our rule) and at least 5% above
        # what is executed (§3.12); a quote target becomes a base quantity at the current mid.
        new_target = base_qty if base_qty is not None else quote_qty
        if new_target is None:
            return None
        if (quote_qty is not None) != (info.quote_target is not None):
            field = "quote_asset_qty" if info.quote_target is not None else "base_asset_qty"
            raise ApiError(
                422, {"error": f"This order is sized in its target token; amend {field}"}
            )
        if new_target < _AMEND_MIN_GROWTH * target_of(info, order).executed:
            raise ApiError(
                422, {"error": "New quantity must be at least 5% above the executed quantity"}
            )
        if base_qty is not None:
            return base_qty
        still_to_spend = new_target - order.notional
        mid = self.engine.mid_price(order.pair)
        return order.filled_qty + floor_to(still_to_spend / mid, pair_spec(order.pair).lot)

    @staticmethod
    def _apply_each(order_ids: list[str], action: Callable[[str], Any]) -> list[str]:
        # The ids the action refused (an order may finish between listing and acting).
        failed = []
        for order_id in order_ids:
            try:
                action(order_id)
            except OrderRefused:
                failed.append(order_id)
        return failed
