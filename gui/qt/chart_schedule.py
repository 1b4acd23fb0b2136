"""The planned progress of an algo order, as the charts draw it: TWAP line, VWAP curve, POV band.

Pure arithmetic on the domain's `Order`, no Qt: the fill-progress chart draws these shapes and
the working-orders overview marks the expected share now. Times are aware UTC datetimes in and
UTC epoch seconds (floats, plot coordinates) out; shares are fractions 0..1 unless a name says
percent.

POV has no schedule of its own: it trades a share of whatever the market trades, and the desk
has no market-volume series to draw it against. So the POV band is the progress the target
implies if market volume runs evenly over the order's window and the order is sized to finish
in it: a straight line, widened by a tolerance of `POV_TOLERANCE` of the target on either side
(10% ± 2 pp trades 0.8x..1.2x the even pace). A POV order without a window (no end time and
no duration) has no band. Pauses do not bend any schedule: venues differ in whether a resumed
algo catches up or runs late, so the plan is drawn as sent and the paused spans shaded over it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np

from gui.domain.orders import TIMED_STRATEGIES, Order, Strategy

__all__ = [
    "POV_TOLERANCE",
    "expected_fraction",
    "order_window",
    "pov_band",
    "schedule_curve",
    "vwap_schedule",
]

POV_TOLERANCE = Decimal("0.2")
"""Half-width of the POV band as a fraction of the participation target (0.2: 10% ± 2 pp)."""

_SCHEDULE_POINTS = 64


def vwap_schedule(progress: np.ndarray) -> np.ndarray:
    """Cumulative share (0..1) of a U-shaped intraday volume curve at `progress` (0..1).

    The volume density is proportional to `1 + 3 * (2u - 1) ** 2`: four times as heavy at the
    start and end of the window as in its middle, the usual shape of exchange volume.

    Args:
        progress: Elapsed fraction of the window, values in 0..1.

    Returns:
        Cumulative planned fraction at each point, 0 at the start and 1 at the end.
    """
    return (progress + ((2 * progress - 1) ** 3 + 1) / 2) / 2


def order_window(order: Order) -> tuple[datetime, datetime] | None:
    """The order's schedule window: the venue's start and end when known.

    Falls back to the creation time for the start and start + `duration_s` for the end, so a
    venue that reports no times still gets a schedule from what the trader asked for.

    Returns:
        (start, end) as aware UTC datetimes with end after start, or None when the order has
        no window (a simple order, or an algo with neither end time nor duration).
    """
    start = order.start_ts if order.start_ts is not None else order.created_ts
    if order.end_ts is not None:
        end = order.end_ts
    elif order.duration_s is not None:
        end = start + timedelta(seconds=order.duration_s)
    else:
        return None
    return (start, end) if end > start else None


def _planned(strategy: Strategy, progress: np.ndarray) -> np.ndarray:
    return vwap_schedule(progress) if strategy == Strategy.VWAP else progress


def schedule_curve(order: Order) -> tuple[np.ndarray, np.ndarray]:
    """The TWAP line or VWAP curve of `order` in plot coordinates.

    Returns:
        (x, y): x in UTC epoch seconds over the window, y in percent 0..100. TWAP is the two
        points (start, 0) and (end, 100); VWAP is 64 points along `vwap_schedule`. Both empty
        for other strategies or without a window.
    """
    window = order_window(order)
    if order.strategy not in TIMED_STRATEGIES or window is None:
        return np.empty(0), np.empty(0)
    start, end = window[0].timestamp(), window[1].timestamp()
    points = 2 if order.strategy == Strategy.TWAP else _SCHEDULE_POINTS
    progress = np.linspace(0.0, 1.0, points)
    return start + progress * (end - start), 100 * _planned(order.strategy, progress)


def pov_band(order: Order) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The band of progress a POV order's target implies over its window (see the module doc).

    Returns:
        (x, lower, upper): x in UTC epoch seconds (start and end of the window), lower and
        upper in percent 0..100, the even pace scaled by `1 ∓ POV_TOLERANCE`, upper capped at
        100. All empty for non-POV orders, without a target or without a window.
    """
    window = order_window(order)
    if order.strategy != Strategy.POV or order.pov_target is None or window is None:
        return np.empty(0), np.empty(0), np.empty(0)
    start, end = window[0].timestamp(), window[1].timestamp()
    tolerance = float(POV_TOLERANCE)
    # Three points so the capped upper edge bends where it reaches 100%.
    knee = 1 / (1 + tolerance)
    progress = np.array([0.0, knee, 1.0])
    lower = 100 * progress * (1 - tolerance)
    upper = np.minimum(100 * progress * (1 + tolerance), 100.0)
    return start + progress * (end - start), lower, upper


def expected_fraction(order: Order, at: datetime) -> Decimal | None:
    """The share of `order` its schedule plans to have filled at `at`.

    Args:
        order: Any order.
        at: Aware UTC time; before the window gives 0, after it 1.

    Returns:
        Planned share 0..1 for TWAP and VWAP orders with a window; None for every other
        order (POV follows the market, so it has no planned share at a given time).
    """
    window = order_window(order)
    if order.strategy not in TIMED_STRATEGIES or window is None:
        return None
    start, end = window
    elapsed = (at - start) / (end - start)
    progress = np.array([min(max(elapsed, 0.0), 1.0)])
    planned = float(_planned(order.strategy, progress)[0])
    return Decimal(str(round(planned, 6)))
