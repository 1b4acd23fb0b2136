"""Order options and instruments: what a trader sees when an option value or size is wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gui.domain.instruments import Instrument
from gui.domain.options import (
    AssetClass,
    ClipSize,
    ClipSizeKind,
    OrderOption,
    OrderOptions,
    StopDirection,
    StopTrigger,
)
from gui.domain.orders import OrderTicket, Side, Strategy, TimeInForce
from gui.venues.base import VenueCapabilities, capability_errors


def _ticket(**changes: object) -> OrderTicket:
    fields: dict[str, object] = {
        "venue": "kucoin_futures",
        "account": "main",
        "pair": "BTC-USDT",
        "side": Side.BUY,
        "quantity": Decimal("0.005"),
        "strategy": Strategy.LIMIT,
        "limit_price": Decimal(60000),
    }
    fields.update(changes)
    return OrderTicket(**fields)  # type: ignore[arg-type]


def test_no_options_means_none_used() -> None:
    assert OrderOptions().used() == frozenset()


def test_used_names_every_option_set() -> None:
    options = OrderOptions(
        post_only=True,
        reduce_only=True,
        hidden=True,
        visible_quantity=Decimal(1),
        leverage=Decimal(5),
        margin_mode=None,
        stop=StopTrigger(StopDirection.UP, Decimal(1)),
        short_sale=True,
        destination="Binance",
        asset_class=AssetClass.FUTURE,
        start_ts=datetime(2026, 1, 2, tzinfo=UTC),
        clip_size=ClipSize(ClipSizeKind.AUTO),
    )
    assert options.used() == frozenset(OrderOption) - {OrderOption.MARGIN_MODE}


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        (OrderOptions(visible_quantity=Decimal(0)), "visible_quantity", "greater than zero"),
        (OrderOptions(visible_quantity=Decimal("0.005")), "visible_quantity", "less than"),
        (OrderOptions(leverage=Decimal(-2)), "leverage", "greater than zero"),
        (
            OrderOptions(stop=StopTrigger(StopDirection.DOWN, Decimal(0))),
            "stop_price",
            "greater than zero",
        ),
    ],
)
def test_bad_option_values_are_explained_on_their_field(
    options: OrderOptions, field: str, message: str
) -> None:
    errors = _ticket(options=options).validation_errors()
    assert message in errors[field]


def test_post_only_needs_a_resting_limit_order() -> None:
    assert (
        "post_only"
        in _ticket(
            options=OrderOptions(post_only=True), time_in_force=TimeInForce.IOC
        ).validation_errors()
    )
    assert (
        "post_only"
        in _ticket(
            options=OrderOptions(post_only=True), strategy=Strategy.MARKET, limit_price=None
        ).validation_errors()
    )
    assert _ticket(options=OrderOptions(post_only=True)).validation_errors() == {}


def test_a_stop_cannot_ride_on_an_algo() -> None:
    ticket = _ticket(
        strategy=Strategy.TWAP,
        duration_s=600,
        options=OrderOptions(stop=StopTrigger(StopDirection.UP, Decimal(61000))),
    )
    assert "Market and Limit" in ticket.validation_errors()["stop_price"]


def test_capability_errors_name_what_the_venue_lacks() -> None:
    capabilities = VenueCapabilities(
        strategies=frozenset({Strategy.LIMIT}),
        time_in_force=frozenset({TimeInForce.GTC}),
        options=frozenset({OrderOption.POST_ONLY}),
    )
    ticket = _ticket(
        strategy=Strategy.TWAP,
        duration_s=600,
        options=OrderOptions(post_only=True, hidden=True),
    )
    errors = capability_errors(ticket, capabilities)
    assert set(errors) == {"strategy", "hidden"}
    fok = _ticket(time_in_force=TimeInForce.FOK)
    assert "FOK" in capability_errors(fok, capabilities)["time_in_force"]
    assert capability_errors(_ticket(options=OrderOptions(post_only=True)), capabilities) == {}


def test_contract_arithmetic_is_exact() -> None:
    btc = Instrument("BTC-USDT", "XBTUSDTM", Decimal("0.1"), Decimal("0.001"), Decimal(1))
    assert btc.to_base(Decimal(7)) == Decimal("0.007")
    assert btc.to_contracts(Decimal("0.007")) == Decimal(7)
    assert btc.is_whole_lots(Decimal("0.007"))
    assert not btc.is_whole_lots(Decimal("0.0075"))


def test_spot_instruments_check_their_lot_size() -> None:
    sol = Instrument("SOL-USD", "SOL", lot_size=Decimal("0.01"))
    assert sol.is_whole_lots(Decimal("1.25"))
    assert not sol.is_whole_lots(Decimal("1.255"))
    with pytest.raises(ValueError, match="base asset"):
        sol.to_contracts(Decimal(1))


BROKER_CAPS = VenueCapabilities(
    strategies=frozenset({Strategy.MARKET, Strategy.LIMIT, Strategy.TWAP}),
    options=frozenset({OrderOption.DESTINATION, OrderOption.ASSET_CLASS, OrderOption.START_TIME}),
    destinations=("Binance", "Bybit"),
    asset_classes=(AssetClass.SPOT, AssetClass.FUTURE),
)


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        (OrderOptions(clip_size=ClipSize(ClipSizeKind.QUANTITY)), "clip_size", "greater than"),
        (
            OrderOptions(clip_size=ClipSize(ClipSizeKind.FRACTION, Decimal("1.5"))),
            "clip_size",
            "at most 100%",
        ),
        (
            OrderOptions(clip_size=ClipSize(ClipSizeKind.QUANTITY, Decimal(1))),
            "clip_size",
            "not exceed the quantity",
        ),
        (
            OrderOptions(clip_size=ClipSize(ClipSizeKind.AUTO, Decimal(1))),
            "clip_size",
            "takes no value",
        ),
        (OrderOptions(start_ts=datetime(2026, 1, 2)), "start_time", "time zone"),
    ],
)
def test_schedule_option_values_are_checked(
    options: OrderOptions, field: str, message: str
) -> None:
    assert message in options.validation_errors(Decimal("0.5"))[field]


def test_short_sale_only_on_a_sell() -> None:
    ticket = _ticket(options=OrderOptions(short_sale=True))
    assert "sell" in ticket.validation_errors()["short_sale"]
    assert (
        "short_sale"
        not in _ticket(side=Side.SELL, options=OrderOptions(short_sale=True)).validation_errors()
    )


def test_start_time_only_on_an_algo() -> None:
    start = datetime(2026, 1, 2, tzinfo=UTC)
    assert "algo" in _ticket(options=OrderOptions(start_ts=start)).validation_errors()["start_time"]
    twap = _ticket(
        strategy=Strategy.TWAP,
        limit_price=None,
        duration_s=600,
        options=OrderOptions(start_ts=start),
    )
    assert twap.validation_errors() == {}


def test_quote_sized_market_order_needs_an_amount_and_no_quantity() -> None:
    ok = _ticket(
        strategy=Strategy.MARKET, limit_price=None, quantity=Decimal(0), quote_quantity=Decimal(100)
    )
    assert ok.validation_errors() == {}
    both = _ticket(strategy=Strategy.MARKET, limit_price=None, quote_quantity=Decimal(100))
    assert "not both" in both.validation_errors()["quantity"]
    limit = _ticket(quantity=Decimal(0), quote_quantity=Decimal(100))
    assert "Market" in limit.validation_errors()["quote_quantity"]
    zero = _ticket(
        strategy=Strategy.MARKET, limit_price=None, quantity=Decimal(0), quote_quantity=Decimal(0)
    )
    assert "greater than zero" in zero.validation_errors()["quote_quantity"]


def test_venue_refuses_destinations_and_asset_classes_it_lacks() -> None:
    ticket = _ticket(
        venue="anboto",
        options=OrderOptions(destination="Kraken", asset_class=AssetClass.OPTION),
    )
    errors = capability_errors(ticket, BROKER_CAPS)
    assert "Kraken" in errors["destination"]
    assert "option" in errors["asset_class"]
    fine = _ticket(
        venue="anboto", options=OrderOptions(destination="Bybit", asset_class=AssetClass.FUTURE)
    )
    assert capability_errors(fine, BROKER_CAPS) == {}


def test_quote_sizing_follows_the_venue() -> None:
    spot = VenueCapabilities(strategies=frozenset({Strategy.MARKET}), quote_quantity_market=True)
    by_base = _ticket(strategy=Strategy.MARKET, limit_price=None)
    assert "amount" in capability_errors(by_base, spot)["quantity"]
    by_quote = _ticket(
        strategy=Strategy.MARKET, limit_price=None, quantity=Decimal(0), quote_quantity=Decimal(50)
    )
    assert capability_errors(by_quote, spot) == {}
    assert "quote asset" in capability_errors(by_quote, BROKER_CAPS)["quote_quantity"]
