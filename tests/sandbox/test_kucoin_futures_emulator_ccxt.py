"""A third-party client against the emulator: ccxt's `kucoinfutures`, unmodified, over real
loopback HTTP. Only its URLs, credentials and documented options are set:

- `options["uta"] = False`: a classic (not unified) account; otherwise ccxt first asks the
  spot host's `GET /api/ua/v1/account/mode`, which is not a futures endpoint.
- `options["hf"] = False` and `load_markets(params={"marginables": False})`: with
  credentials ccxt's `fetch_markets` also reads the spot host's margin-symbol and
  HF-account endpoints; neither exists on the futures host.
- `has["fetchCurrencies"] = False`: currencies come from the spot host's `/api/v3/currencies`.

Every spot URL points at a closed local port, so a call outside the futures API fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gui.sandbox.server import running_sandbox

ccxt = pytest.importorskip("ccxt")

SYMBOL = "BTC/USDT:USDT"
_NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens there


@pytest.fixture(scope="module")
def exchange() -> Iterator[Any]:
    with running_sandbox(seed=5) as endpoints:
        endpoint = endpoints["kucoin_futures"]
        client = ccxt.kucoinfutures(
            {
                "apiKey": endpoint.credentials["api_key"],
                "secret": endpoint.credentials["api_secret"],
                "password": endpoint.credentials["api_passphrase"],
                "options": {"uta": False, "hf": False},
                "has": {"fetchCurrencies": False},
                "timeout": 5000,
            }
        )
        for name in list(client.urls["api"]):
            futures = name in ("futuresPublic", "futuresPrivate")
            client.urls["api"][name] = endpoint.base_url if futures else _NOWHERE
        try:
            yield client
        finally:
            client.session.close()


def test_ccxt_loads_the_contracts(exchange: Any) -> None:
    markets = exchange.load_markets(params={"marginables": False})

    market = markets[SYMBOL]
    assert (market["id"], market["swap"], market["linear"]) == ("XBTUSDTM", True, True)
    assert market["contractSize"] == 0.001
    assert market["precision"] == {"amount": 1.0, "price": 0.1}
    assert exchange.fetch_time() > 0


def test_ccxt_places_fetches_lists_and_cancels_a_limit_order(exchange: Any) -> None:
    exchange.load_markets(params={"marginables": False})

    created = exchange.create_order(SYMBOL, "limit", "buy", 2, 30000)
    fetched = exchange.fetch_order(created["id"], SYMBOL)
    open_orders = exchange.fetch_open_orders(SYMBOL)
    exchange.cancel_order(created["id"], SYMBOL)
    canceled = exchange.fetch_order(created["id"], SYMBOL)

    assert len(created["id"]) == 18 and created["clientOrderId"]
    assert (fetched["status"], fetched["amount"], fetched["price"], fetched["filled"]) == (
        "open",
        2.0,
        30000.0,
        0.0,
    )
    assert fetched["clientOrderId"] == created["clientOrderId"]
    assert [order["id"] for order in open_orders] == [created["id"]]
    assert canceled["status"] == "canceled"


def test_ccxt_sees_its_market_order_fill_in_my_trades(exchange: Any) -> None:
    exchange.load_markets(params={"marginables": False})

    created = exchange.create_order(SYMBOL, "market", "sell", 3)
    order = exchange.fetch_order(created["id"], SYMBOL)
    trades = [t for t in exchange.fetch_my_trades(SYMBOL) if t["order"] == created["id"]]

    assert (order["status"], order["filled"]) == ("closed", 3.0)
    assert sum(trade["amount"] for trade in trades) == 3.0
    assert {(t["side"], t["takerOrMaker"]) for t in trades} == {("sell", "taker")}
    assert all(t["fee"]["currency"] == "USDT" and t["fee"]["rate"] == 0.0006 for t in trades)
