"""Legs: the successive venue orders that work one order on venues without native pause
or amend (shared/DESIGN.md "Capabilities and emulated actions").

A synthetic pause cancels the working remainder at the venue and keeps it; resume sends it
again as a new venue order (a leg) under a new client order id linked to the same order. A
cancel/replace amend does the same with the amended terms. The trader sees one order, one
blotter row, with the fills of every leg. This module holds the pure rules: the id of a new
leg, the ticket it is sent with, which leg a venue report belongs to, and the order's totals
over its legs. The store (`gui.oms.store`) and the service (`gui.oms.synthetic`) apply them.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from gui.domain.options import ClipSize, ClipSizeKind
from gui.domain.orders import (
    ALGO_STRATEGIES,
    MAX_DURATION_S,
    MIN_DURATION_S,
    TERMINAL,
    Amendment,
    Leg,
    LegEnd,
    LegPurpose,
    Order,
    OrderStatus,
    OrderTicket,
)
from gui.venues.base import OrderReport

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
"""Characters some venue refuses in a client order id (KuCoin `clientOid` takes only
`[A-Za-z0-9_-]`, the strictest of the venues); a leg id avoids them everywhere."""


def amendment_fields(amendment: Amendment) -> frozenset[str]:
    """Names of the fields an amendment changes (`"quantity"`, `"limit_price"`,
    `"duration_s"`, `"pov_target"`), as `VenueCapabilities.amend_fields` spells them."""
    return frozenset(
        field.name
        for field in dataclasses.fields(amendment)
        if getattr(amendment, field.name) is not None
    )


def leg_client_order_id(
    parent: str, number: int, max_len: int, taken: Callable[[str], bool], fallback: str
) -> str:
    """The client order id of an order's leg `number` (2, 3...): `<parent>-L<number>`.

    The parent's id is cut (from the end) to leave room for the suffix within the venue's
    `max_client_order_id_len`, and characters outside `[A-Za-z0-9_-]` are dropped (an
    adopted order's id `venue:123` is not a valid KuCoin `clientOid`). The suffix keeps
    the link visible in the venue's own screens.

    Args:
        parent: The order's client order id.
        number: The leg's number, 2 or more (leg 1 uses `parent` itself).
        max_len: The venue's longest client order id.
        taken: Whether an id is already used (by an order or a leg).
        fallback: A fresh id valid on the venue (`new_client_order_id()`), used when the
            derived one is taken or nothing of the parent's id is left.
    """
    suffix = f"-L{number}"
    prefix = _UNSAFE.sub("", parent)[: max(max_len - len(suffix), 0)]
    candidate = f"{prefix}{suffix}"
    if not prefix or len(candidate) > max_len or taken(candidate):
        return fallback[:max_len]
    return candidate


def first_leg(order: Order) -> Leg:
    """Leg 1 of an order worked so far by one venue order under its own id: the order's
    venue order id, quantities and status as they stand."""
    return Leg(
        client_order_id=order.client_order_id,
        number=1,
        purpose=LegPurpose.NEW,
        quantity=order.quantity,
        status=order.status,
        venue_order_id=order.venue_order_id,
        filled_qty=order.filled_qty,
        avg_fill_px=order.avg_fill_px,
        filled_notional=order.filled_notional,
        created_ts=order.created_ts,
    )


def leg_index(legs: Sequence[Leg], report: OrderReport) -> int:
    """Which of an order's legs a venue report is about (index into `legs`).

    By venue order id first, then by the client order id the venue echoes; a report that
    matches neither (a submit answer filed under the order's id before the leg had a venue
    id) belongs to the current leg.
    """
    for index, leg in enumerate(legs):
        if leg.venue_order_id and leg.venue_order_id == report.venue_order_id:
            return index
    if report.client_order_id:
        for index, leg in enumerate(legs):
            if leg.client_order_id == report.client_order_id:
                return index
    return len(legs) - 1


@dataclasses.dataclass(frozen=True, slots=True)
class LegTotals:
    """An order's fill totals over its legs.

    Attributes:
        filled_qty: Base quantity filled over all legs.
        avg_fill_px: Notional-weighted average price, None before any fill (or when a leg
            filled without the venue saying at what price).
        filled_notional: Quote amount filled, when every leg that filled reports its quote
            amount (DFX); else None.
    """

    filled_qty: Decimal
    avg_fill_px: Decimal | None
    filled_notional: Decimal | None


def leg_totals(legs: Sequence[Leg]) -> LegTotals:
    """Sum the legs' fills (see `LegTotals`)."""
    filled = sum((leg.filled_qty for leg in legs), Decimal(0))
    filled_legs = [leg for leg in legs if leg.filled_qty > 0]
    notional = sum((leg.notional for leg in filled_legs), Decimal(0))
    priced = all(
        leg.avg_fill_px is not None or leg.filled_notional is not None for leg in filled_legs
    )
    avg = notional / filled if filled > 0 and priced else None
    reported = all(leg.filled_notional is not None for leg in filled_legs)
    return LegTotals(filled, avg, notional if filled_legs and reported else None)


def ticket_from_order(order: Order) -> OrderTicket:
    """The ticket an order was sent with, rebuilt from the order (for orders adopted from
    the venue or an earlier session, whose original ticket the service never saw)."""
    return OrderTicket(
        venue=order.venue,
        account=order.account,
        pair=order.pair,
        side=order.side,
        quantity=order.quantity,
        strategy=order.strategy,
        limit_price=order.limit_price,
        duration_s=order.duration_s,
        pov_target=order.pov_target,
        time_in_force=order.time_in_force,
        notes=order.notes,
        options=order.options,
        quote_quantity=order.quote_quantity,
    )


def remaining_duration_s(order: Order, duration_s: int, now: datetime) -> int:
    """Seconds left of an algo's window `duration_s` counted from its original start.

    A leg sent on a synthetic resume (or a cancel/replace) of a TWAP/VWAP works what is
    left of the window the trader chose, not a fresh one: the schedule ends when the
    original one would have (the time paused is not added back). The venue takes no window
    under `MIN_DURATION_S`, so a leg resumed near or after the end gets that minimum.
    """
    start = order.start_ts or order.created_ts
    left = (start + timedelta(seconds=duration_s) - now).total_seconds()
    return min(max(math.ceil(left), MIN_DURATION_S), MAX_DURATION_S)


def leg_ticket(
    base: OrderTicket,
    order: Order,
    quantity: Decimal,
    *,
    now: datetime,
    amendment: Amendment | None = None,
    keep_stop: bool = False,
) -> OrderTicket:
    """The ticket of a new leg: the order's ticket for `quantity` (the remainder), with
    the order's current terms and any amendment.

    Args:
        base: The ticket the order was sent with (or `ticket_from_order`).
        order: The order now (its limit, duration and POV target may have been amended).
        quantity: Base quantity of the leg: what remains of the order.
        now: Current time (aware UTC), for the algo window left.
        amendment: New terms of a cancel/replace (None fields keep the order's).
        keep_stop: Keep a stop trigger: only while the order had not triggered yet (it was
            SCHEDULED); a triggered stop's remainder is sent as a plain order, or it would
            wait for the trigger again.

    Returns:
        The ticket. Options tied to the first send are adjusted: no scheduled start (the
        leg starts now), an iceberg's visible part or a clip no bigger than the leg.
    """
    change = amendment or Amendment()
    limit = change.limit_price if change.limit_price is not None else order.limit_price
    pov = change.pov_target if change.pov_target is not None else order.pov_target
    window = change.duration_s if change.duration_s is not None else order.duration_s
    duration = base.duration_s
    if window is not None and order.strategy in ALGO_STRATEGIES:
        duration = remaining_duration_s(order, window, now)
    options = dataclasses.replace(base.options, start_ts=None)
    if not keep_stop:
        options = dataclasses.replace(options, stop=None)
    if options.visible_quantity is not None and options.visible_quantity >= quantity:
        options = dataclasses.replace(options, visible_quantity=None)
    clip = options.clip_size
    if clip is not None and clip.kind == ClipSizeKind.QUANTITY and clip.value is not None:
        if clip.value > quantity:
            options = dataclasses.replace(
                options, clip_size=ClipSize(ClipSizeKind.QUANTITY, quantity)
            )
    return dataclasses.replace(
        base,
        quantity=quantity,
        limit_price=limit,
        pov_target=pov,
        duration_s=duration,
        options=options,
        quote_quantity=None,
    )


# -- order transforms the store applies -------------------------------------------------------


def with_ending(order: Order, ending: LegEnd | None) -> Order:
    """The order with its current leg marked as being ended by the desk (None: not)."""
    legs = order.legs or (first_leg(order),)
    if ending is None and legs[-1].ending is None:
        return order
    return dataclasses.replace(
        order, legs=(*legs[:-1], dataclasses.replace(legs[-1], ending=ending))
    )


def with_terms(order: Order, terms: Amendment) -> Order:
    """The order with new terms (None fields keep the order's)."""
    return dataclasses.replace(
        order,
        quantity=terms.quantity if terms.quantity is not None else order.quantity,
        limit_price=terms.limit_price if terms.limit_price is not None else order.limit_price,
        duration_s=terms.duration_s if terms.duration_s is not None else order.duration_s,
        pov_target=terms.pov_target if terms.pov_target is not None else order.pov_target,
    )


def with_new_leg(
    order: Order,
    leg_client_order_id: str,
    quantity: Decimal,
    purpose: LegPurpose,
    terms: Amendment | None,
) -> Order:
    """The order with a new current leg in PENDING_NEW (its venue order id None until the
    venue acknowledges it) and `terms` applied; its status is left to the caller."""
    legs = order.legs or (first_leg(order),)
    leg = Leg(
        client_order_id=leg_client_order_id,
        number=len(legs) + 1,
        purpose=purpose,
        quantity=quantity,
        status=OrderStatus.PENDING_NEW,
    )
    updated = with_terms(order, terms or Amendment())
    return dataclasses.replace(updated, legs=(*legs, leg), venue_order_id=None)


def with_refused_leg(order: Order, reason: str) -> Order:
    """The order with its current leg REJECTED for `reason` (status left to the caller)."""
    if not order.legs:
        return dataclasses.replace(order, reason=reason)
    leg = dataclasses.replace(order.legs[-1], status=OrderStatus.REJECTED, reason=reason)
    return dataclasses.replace(order, legs=(*order.legs[:-1], leg), reason=reason)


def with_leg_report(order: Order, index: int, report: OrderReport) -> Order:
    """The order after a report of its leg `index`: the leg's totals and status (a leg
    that ended stays ended), the order's totals over all legs, and, from the current leg
    only, the limit price, schedule end and reason. The order's quantity (its total) and
    status are not touched."""
    leg = order.legs[index]
    report_is_current = report.filled_qty >= leg.filled_qty
    notional = leg.filled_notional
    if report.aggregate is not None and report_is_current:
        notional = report.aggregate.notional or notional
    status = leg.status
    if status not in TERMINAL and report.status != OrderStatus.UNKNOWN:
        status = report.status
    new_leg = dataclasses.replace(
        leg,
        venue_order_id=leg.venue_order_id or report.venue_order_id or None,
        filled_qty=max(leg.filled_qty, report.filled_qty),
        avg_fill_px=(
            report.avg_fill_px
            if report.avg_fill_px is not None and report_is_current
            else leg.avg_fill_px
        ),
        filled_notional=notional,
        quantity=report.quantity if report.quantity > 0 else leg.quantity,
        status=status,
        reason=report.reason or leg.reason,
    )
    legs = (*order.legs[:index], new_leg, *order.legs[index + 1 :])
    totals = leg_totals(legs)
    updated = dataclasses.replace(
        order,
        legs=legs,
        venue_order_id=legs[-1].venue_order_id,
        filled_qty=totals.filled_qty,
        avg_fill_px=totals.avg_fill_px if totals.avg_fill_px is not None else order.avg_fill_px,
        filled_notional=totals.filled_notional,
        start_ts=order.start_ts or report.start_ts,
    )
    if index != len(legs) - 1:
        return updated
    return dataclasses.replace(
        updated,
        limit_price=report.limit_price if report.limit_price is not None else order.limit_price,
        end_ts=report.end_ts or order.end_ts,
        reason=report.reason or order.reason,
    )


class NextStatus(StrEnum):
    """What a leg's report does to the order's status (see `next_status`)."""

    FOLLOW = "follow"
    """The current leg's status is the order's (through the state machine, as for an order
    with one venue order)."""
    KEEP = "keep"
    """The order's status stays."""
    PAUSED = "paused"
    """The leg the desk cancelled to pause the order ended: the order is PAUSED."""
    FILLED = "filled"
    """Nothing remains: the order is FILLED."""


_WAITING = {LegEnd.PAUSE: OrderStatus.PENDING_PAUSE, LegEnd.REPLACE: OrderStatus.PENDING_REPLACE}


def next_status(updated: Order, old_leg: Leg, current: bool) -> NextStatus:
    """How a report of one leg moves the order's status.

    Args:
        updated: The order with the report applied (`with_leg_report`).
        old_leg: The leg the report is about, as it was before.
        current: Whether it is the order's current leg.
    """
    done = updated.filled_qty >= updated.quantity and updated.status not in TERMINAL
    leg = updated.legs[-1]
    if not current:  # an earlier leg: late fills only
        return NextStatus.FILLED if done and updated.is_between_legs else NextStatus.KEEP
    ending = old_leg.ending
    if ending is not None and updated.status == _WAITING[ending]:
        # The desk is ending this leg: only its end moves the order (a report that does not
        # show the cancel yet must not flip the row back to working).
        if not leg.has_ended:
            return NextStatus.KEEP
        if ending == LegEnd.REPLACE:
            # The service sends the new leg, or finishes the order if nothing remains of
            # the amended quantity (which the order does not carry yet).
            return NextStatus.KEEP
        return NextStatus.FILLED if done else NextStatus.PAUSED
    if old_leg.has_ended:  # nothing works at the venue: a late report brings fills only
        return NextStatus.FILLED if done else NextStatus.KEEP
    return NextStatus.FOLLOW
