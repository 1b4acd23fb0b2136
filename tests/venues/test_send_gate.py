"""A submit's request leaves only once its intent is journaled (`send_after`), and never if
the journal fails, while the adapter prepares and signs it meanwhile (issue 8 §4)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from gui.venues.base import send_after
from gui.venues.http import VenueHttp, VenueMessage, build_async_client

pytestmark = pytest.mark.asyncio


def venue_http(sent: list[httpx.Request]) -> VenueHttp:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"ok": True})

    client = build_async_client("https://venue.example", transport=httpx.MockTransport(answer))
    return VenueHttp("test", client, lambda response: VenueMessage(response.text))


async def run_loop_a_while() -> None:
    """Let every ready task run as far as it can (no I/O is real here)."""
    for _ in range(50):
        await asyncio.sleep(0)


async def test_the_request_leaves_when_the_gate_opens() -> None:
    sent: list[httpx.Request] = []
    http = venue_http(sent)
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    with send_after(gate):
        request = asyncio.ensure_future(http.request("POST", "/orders", json={"q": "1"}))
    await run_loop_a_while()
    assert sent == [] and not request.done()  # built, held at the gate
    gate.set_result(None)
    assert (await request).json() == {"ok": True}
    assert len(sent) == 1
    await http.aclose()


async def test_a_failed_gate_sends_nothing_and_says_why() -> None:
    sent: list[httpx.Request] = []
    http = venue_http(sent)
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    gate.set_exception(OSError("journal write failed: disk full"))
    with send_after(gate), pytest.raises(OSError, match="disk full"):
        await http.request("POST", "/orders", json={"q": "1"})
    assert sent == []
    await http.request("GET", "/orders")  # outside the gate: sent as usual
    assert [request.method for request in sent] == ["GET"]
    await http.aclose()
