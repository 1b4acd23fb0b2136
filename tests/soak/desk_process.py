"""The desk without its window, for the soak test: `python -m tests.soak.desk_process`.

Builds what `gui.app.build_desk` builds below the Qt layer (clients, store, journal,
service, pollers), restores and reconciles from the journal, submits the soak tickets not
yet journaled, waits until none is in flight, pulls the kill switch on what still works,
waits until every order is done with its fills in, and exits 0. Prints one JSON line per
event on stdout (`{"event": "submitted", "count": n}`...) so the test can SIGKILL it
halfway and read its figures. Tickets are told apart by their notes (`soak-<index>`), so a
restarted process sends exactly the ones its journal has no intent for: never one twice.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gui.domain.orders import PENDING, OrderTicket
from gui.oms.demo import demo_tickets
from gui.oms.journal import Journal
from gui.oms.polling import VenuePoller
from gui.oms.recovery import reconcile, restore
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.venues.registry import build_clients

log = logging.getLogger("soak")

SUBMIT_CONCURRENCY = 3
"""Submits in flight at once per venue (a venue holding requests after a 429, KuCoin up
to 30 s, must not hold the others up)."""
KILL_SWITCH_PRESSES = 5
"""Kill switch presses at the end at most, a minute apart, until nothing works."""
CONFIRM_WAIT_S = 300
"""After the presses, how long the venues' word on orders still pending cancel is awaited:
the kill switch was accepted, and each such order is finished only by its own report, read
as the venue allows (under the soak's faults KuCoin answers a few reads per 30 s hold)."""
ALGO_DURATION_S = 300
"""Window of the soak's algo orders, sandbox seconds (a few real seconds at soak speed)."""


def soak_tickets(accounts: dict[str, list[str]], count: int) -> list[OrderTicket]:
    """`count` demo tickets over every venue, noted `soak-<index>`, algos shortened."""
    tickets = []
    for index, ticket in enumerate(demo_tickets(accounts, count)):
        duration = ALGO_DURATION_S if ticket.duration_s is not None else None
        tickets.append(dataclasses.replace(ticket, notes=f"soak-{index}", duration_s=duration))
    return tickets


def emit(event: str, **fields: Any) -> None:
    """One JSON line on stdout, flushed (the test reads it as it comes)."""
    print(json.dumps({"event": event, **fields}), flush=True)


async def run(args: argparse.Namespace) -> int:
    endpoints = json.loads(Path(args.endpoints).read_text())
    for endpoint in endpoints.values():
        endpoint["settings"] = {"timeout_s": args.timeout_s}
    clients = build_clients(endpoints)
    store = OrderStore()
    journal = Journal.in_data_dir(Path(args.data_dir))
    service = OrderService(store, clients, journal=journal, user="soak")
    state = restore(journal, store, service)
    pollers = [
        VenuePoller(client, store, fast_interval_s=0.5, slow_interval_s=1.0)
        for client in clients.values()
    ]
    for poller in pollers:
        poller.start()
    report = await reconcile(service)
    emit("restored", orders=len(state.orders), **dataclasses.asdict(report))

    sent = {ticket.notes for ticket in state.tickets.values()}
    todo = [t for t in soak_tickets(service.accounts, args.orders) if t.notes not in sent]
    count = len(sent)
    limits = {venue: asyncio.Semaphore(SUBMIT_CONCURRENCY) for venue in service.accounts}

    async def submit(ticket: OrderTicket) -> None:
        nonlocal count
        async with limits[ticket.venue]:
            await service.submit(ticket)
            count += 1
            emit("submitted", count=count)

    await asyncio.gather(*(submit(ticket) for ticket in todo))
    await until(lambda: not any(order.status in PENDING for order in store.orders()), 120)

    # The trader presses the kill switch until nothing works (a venue that keeps answering
    # 429 or 5xx can refuse a press); each press is one audit entry.
    def settled() -> bool:
        """Every order finished, with its fills in (a finished order whose fills fall
        short is read again by its poller: the desk's work on it is not done yet)."""
        return all(order.is_terminal for order in store.orders()) and not any(
            store.has_fills_short(client.venue, client.account) for client in clients.values()
        )

    for press in range(1, KILL_SWITCH_PRESSES + 1):
        outcome = await service.kill_switch(include_pinned=True)
        emit("kill switch", press=press, summary=outcome.summary)
        await until(lambda: all(order.is_terminal for order in store.orders()), 60)
        if all(order.is_terminal for order in store.orders()):
            break
    await until(settled, CONFIRM_WAIT_S)
    await journal.flush()
    for poller in pollers:
        await poller.stop()
    await service.aclose()
    await asyncio.gather(*(client.aclose() for client in clients.values()))
    journal.close()
    working = [o.client_order_id for o in store.orders() if not o.is_terminal]
    emit("done", orders=len(store), working=working)
    return 0 if not working else 1


async def until(condition: Any, timeout_s: float) -> None:
    """Wait until `condition()` is true, checking every 0.1 s; give up after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="desk_process")
    parser.add_argument("--endpoints", required=True, help="JSON file: the sandbox's line")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--timeout-s", type=float, default=2.0, help="venue request timeout")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
