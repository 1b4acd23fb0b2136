"""What the desk knows about each venue before the first order: accounts, capabilities and
instruments, gathered once at start-up for the ticket."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from gui.domain.errors import VenueError
from gui.domain.instruments import Instrument
from gui.oms.events import ErrorEvent, ErrorKind, Signal
from gui.venues.base import VenueCapabilities, VenueClient

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class VenueProfile:
    """One venue as the ticket shows it.

    Attributes:
        venue: Venue name.
        accounts: Account names, in configuration order.
        capabilities: What the venue does natively (the same for every account).
        instruments: What it lists; empty when it takes any pair or the list failed to load.
    """

    venue: str
    accounts: tuple[str, ...]
    capabilities: VenueCapabilities
    instruments: tuple[Instrument, ...] = ()

    def instrument(self, pair: str) -> Instrument | None:
        """The listed instrument for a `BASE-QUOTE` pair, or None."""
        wanted = pair.strip().upper()
        return next((item for item in self.instruments if item.pair == wanted), None)


def initial_profiles(clients: Mapping[tuple[str, str], VenueClient]) -> dict[str, VenueProfile]:
    """Each venue's profile without instruments: what the desk shows before they load."""
    accounts: dict[str, list[str]] = {}
    capabilities: dict[str, VenueCapabilities] = {}
    for (venue, account), client in clients.items():
        accounts.setdefault(venue, []).append(account)
        capabilities.setdefault(venue, client.capabilities)
    return {
        venue: VenueProfile(venue, tuple(names), capabilities[venue])
        for venue, names in accounts.items()
    }


async def load_profiles(
    clients: Mapping[tuple[str, str], VenueClient], errors: Signal[ErrorEvent]
) -> dict[str, VenueProfile]:
    """Each venue's profile, loading instruments from its first account (all at once).

    A venue whose instrument list fails still gets a profile (with no instruments) and the
    failure goes to `errors`: the ticket then says the pair is not known yet rather than
    the desk not starting.

    Args:
        clients: (venue, account) -> client.
        errors: Where load failures are published.

    Returns:
        Venue name -> profile, in the order venues first appear in `clients`.
    """
    profiles = initial_profiles(clients)
    first: dict[str, VenueClient] = {}
    for (venue, _account), client in clients.items():
        first.setdefault(venue, client)

    async def instruments(venue: str, client: VenueClient) -> tuple[Instrument, ...]:
        try:
            return tuple(await client.instruments())
        except VenueError as exc:
            logger.warning("could not load %s instruments: %s", venue, exc)
            errors.publish(
                ErrorEvent(f"instrument list not loaded: {exc}", ErrorKind.NETWORK, venue)
            )
            return ()

    loaded = await asyncio.gather(*(instruments(venue, c) for venue, c in first.items()))
    return {
        venue: dataclasses.replace(profiles[venue], instruments=listed)
        for venue, listed in zip(first, loaded, strict=True)
    }
