"""The sandbox's venues: `VENUES` (how to start each emulator) and how one is served.

Adding a venue is one entry in `VENUES`. The sandbox binds loopback only (`loopback_host`).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.types import ASGIApp

from gui.sandbox import anboto, dfx, kucoin_futures, treadfi, zenotc
from gui.sandbox.engine import SandboxEngine
from gui.sandbox.fault_answers import VENUE_ANSWERS, VenueAnswers
from gui.sandbox.faults import FaultCounters, FaultMiddleware, FaultSpec, skewed_clock
from gui.sandbox.introspection import BOOK_READERS, BookReader, SandboxIntrospection

__all__ = ["VENUES", "VenueSpec", "WallClock", "loopback_host", "venue_app"]

WallClock = Callable[[], float]
"""Real time in unix seconds as a venue sees it (skewed under fault injection)."""


@dataclass(frozen=True)
class VenueSpec:
    """How to start one venue's emulator.

    Attributes:
        create_app: Builds the app over the shared engine (with demo credentials) and the
            venue's wall clock, which its signature-timestamp window and server-time
            endpoint read.
        credentials: The demo credentials that app accepts.
        accounts: The account names that app knows.
        read_book: Reads the app's orders for `GET /_sandbox/book`.
        answers: The venue's 429 and 500 shapes for fault injection.
    """

    create_app: Callable[[SandboxEngine, WallClock], Starlette]
    credentials: Mapping[str, str]
    accounts: tuple[str, ...]
    read_book: BookReader
    answers: VenueAnswers


VENUES: dict[str, VenueSpec] = {
    # Tread.fi authenticates with a token, no timestamp: its clock only dates `Date`.
    "treadfi": VenueSpec(
        lambda engine, clock: treadfi.create_app(engine),
        treadfi.DEMO_CREDENTIALS,
        treadfi.DEMO_ACCOUNTS,
        BOOK_READERS["treadfi"],
        VENUE_ANSWERS["treadfi"],
    ),
    "zenotc": VenueSpec(
        lambda engine, clock: zenotc.create_app(engine, wall_clock_s=clock),
        zenotc.DEMO_CREDENTIALS,
        zenotc.DEMO_ACCOUNTS,
        BOOK_READERS["zenotc"],
        VENUE_ANSWERS["zenotc"],
    ),
    "kucoin_futures": VenueSpec(
        lambda engine, clock: kucoin_futures.create_app(engine, wall_clock_s=clock),
        kucoin_futures.DEMO_CREDENTIALS,
        kucoin_futures.DEMO_ACCOUNTS,
        BOOK_READERS["kucoin_futures"],
        VENUE_ANSWERS["kucoin_futures"],
    ),
    "anboto": VenueSpec(
        lambda engine, clock: anboto.create_app(engine, wall_clock_s=clock),
        anboto.DEMO_CREDENTIALS,
        anboto.DEMO_ACCOUNTS,
        BOOK_READERS["anboto"],
        VENUE_ANSWERS["anboto"],
    ),
    "dfx": VenueSpec(
        lambda engine, clock: dfx.create_app(engine, wall_clock_s=clock),
        dfx.DEMO_CREDENTIALS,
        dfx.DEMO_ACCOUNTS,
        BOOK_READERS["dfx"],
        VENUE_ANSWERS["dfx"],
    ),
}
"""Venue name -> emulator, in port order (`--port P` puts the first on P, the next on P+1)."""


def loopback_host(host: str) -> str:
    """`host` if it is a loopback address (`127.0.0.0/8`, `::1`) or `localhost`.

    Raises:
        ValueError: Any other host: the sandbox's demo credentials are public, so it never
            listens beyond this machine (issue 5, item 8).
    """
    if host == "localhost":
        return host
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(
            f"the sandbox binds loopback only, got host {host!r}: use 127.0.0.1, ::1 or localhost"
        )
    return host.strip("[]")


def venue_app(
    name: str,
    spec: VenueSpec,
    engine: SandboxEngine,
    faults: FaultSpec | None,
    seed: int,
) -> ASGIApp:
    """One venue's ASGI app as served: the emulator over the venue's clock, its
    introspection routes, and with `faults` the fault middleware (which dates answers).

    Args:
        name: Venue name (a key of `VENUES`).
        spec: Its entry in `VENUES`.
        engine: The shared engine.
        faults: Faults to inject, or None for none (then nothing stands in the way).
        seed: Fault seed when the SPEC gives none (the sandbox's seed).
    """
    counters = FaultCounters()
    if faults is None:
        return SandboxIntrospection(spec.create_app(engine, time.time), spec.read_book, counters)
    venue_faults = faults.for_venue(name)
    clock = skewed_clock(venue_faults.skew_s)
    app = SandboxIntrospection(spec.create_app(engine, clock), spec.read_book, counters)
    return FaultMiddleware(
        app,
        venue=name,
        faults=venue_faults,
        answers=spec.answers,
        counters=counters,
        default_seed=seed,
        clock=clock,
    )
