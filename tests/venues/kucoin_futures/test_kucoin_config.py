"""Settings and the package's public surface."""

from __future__ import annotations

import pytest

import gui.venues.kucoin_futures as package
from gui.venues.kucoin_futures import KucoinFuturesConfig


def test_defaults_follow_the_documented_limits() -> None:
    config = KucoinFuturesConfig()
    assert config.base_url == "https://api-futures.kucoin.com"
    assert (config.rate_limit_quota, config.rate_limit_window_s) == (2000, 30.0)
    # Bucket capacity + refill over one window never exceeds the pool (notes §4.2).
    window_spend = config.throttle_burst + config.throttle_rate_per_s * config.rate_limit_window_s
    assert window_spend <= config.rate_limit_quota


@pytest.mark.parametrize(
    "changes",
    [
        {"base_url": "ftp://x"},
        {"base_url": "https://x/prefix"},
        {"base_url": "https://x?q=1"},
        {"timeout_s": 0},
        {"rate_limit_quota": 0},
        {"default_leverage": 0},
        {"max_pages": 0},
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="KucoinFuturesConfig"):
        KucoinFuturesConfig(**changes)  # type: ignore[arg-type]


def test_exported_members() -> None:
    assert set(package.__all__) == {
        "CAPABILITIES",
        "VENUE",
        "KucoinAuth",
        "KucoinCredentials",
        "KucoinFuturesAdapter",
        "KucoinFuturesClient",
        "KucoinFuturesConfig",
    }
