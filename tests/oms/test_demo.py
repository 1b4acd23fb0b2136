"""The demo orders a new user sees are orders every venue of the sandbox takes."""

from __future__ import annotations

import asyncio
import dataclasses

from gui.oms.demo import demo_tickets
from gui.sandbox.server import VENUES, running_sandbox
from gui.venues.base import capability_errors
from gui.venues.registry import build_clients


def test_every_demo_ticket_is_valid_for_its_venue() -> None:
    async def check(endpoints: dict[str, dict[str, object]]) -> None:
        clients = build_clients(endpoints)
        accounts: dict[str, list[str]] = {}
        for venue, account in clients:
            accounts.setdefault(venue, []).append(account)
        try:
            for client in clients.values():
                await client.instruments()  # what the venue's own rules are checked against
            tickets = demo_tickets(accounts, 25)
            assert {ticket.venue for ticket in tickets} == set(VENUES)
            for ticket in tickets:
                client = clients[(ticket.venue, ticket.account)]
                assert ticket.validation_errors() == {}, ticket
                assert capability_errors(ticket, client.capabilities) == {}, ticket
                assert client.ticket_errors(ticket) == {}, ticket
        finally:
            await asyncio.gather(*(client.aclose() for client in clients.values()))

    with running_sandbox() as served:
        asyncio.run(check({name: dataclasses.asdict(end) for name, end in served.items()}))
