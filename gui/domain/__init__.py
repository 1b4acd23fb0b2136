"""Pure domain types of OrderDesk: orders, tickets, fills, statuses and errors.

Layering: this package imports nothing else of ours, no Qt and does no I/O.
`venues`, `oms`, `qt` and `app` all build on it (checked by import-linter).
"""

from gui.domain.errors import (
    InvalidTransition,
    OrderDeskError,
    TicketInvalid,
    UnsupportedAction,
    VenueAuthError,
    VenueError,
    VenueNotFound,
    VenueRateLimited,
    VenueRejected,
    VenueTransportError,
    VenueUnavailable,
)
from gui.domain.orders import (
    ALGO_STRATEGIES,
    CANCELLABLE,
    LIMIT_STRATEGIES,
    PAUSABLE,
    PENDING,
    RESUMABLE,
    TERMINAL,
    WORKING,
    Amendment,
    Fill,
    Order,
    OrderStatus,
    OrderTicket,
    Side,
    Strategy,
    TimeInForce,
    can_transition,
)

__all__ = [
    "ALGO_STRATEGIES",
    "CANCELLABLE",
    "LIMIT_STRATEGIES",
    "PAUSABLE",
    "PENDING",
    "RESUMABLE",
    "TERMINAL",
    "WORKING",
    "Amendment",
    "Fill",
    "InvalidTransition",
    "Order",
    "OrderDeskError",
    "OrderStatus",
    "OrderTicket",
    "Side",
    "Strategy",
    "TicketInvalid",
    "TimeInForce",
    "UnsupportedAction",
    "VenueAuthError",
    "VenueError",
    "VenueNotFound",
    "VenueRateLimited",
    "VenueRejected",
    "VenueTransportError",
    "VenueUnavailable",
    "can_transition",
]
