"""Each venue adapter's verbs on garbage answers (issue 5 §5), one pair of tests over every
venue whose bad-data module describes its verbs as `CASES` (verb, target endpoint), the
answers it expects as `ROUTES`, a valid answerer `_valid` and an adapter builder `_build`.
(Tread.fi's verbs are shaped differently and stay in its own module.)"""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gui.domain.errors import VenueBadResponse
from tests.venues import (
    test_bad_data_anboto,
    test_bad_data_dfx,
    test_bad_data_kucoin,
    test_bad_data_zenotc,
)
from tests.venues.bad_data import (
    FUZZ_ADAPTER,
    NON_JSON_PAGES,
    Garbage,
    check_verb_on_garbage,
    garbage_bodies,
    run_verb,
)

VENUES: tuple[ModuleType, ...] = (
    test_bad_data_anboto,
    test_bad_data_dfx,
    test_bad_data_kucoin,
    test_bad_data_zenotc,
)
CASES = [
    pytest.param(module, case, id=f"{module.VENUE}-{case}")
    for module in VENUES
    for case in sorted(module.CASES)
]


@pytest.mark.parametrize(("module", "case"), CASES)
@FUZZ_ADAPTER
@given(data=st.data())
def test_each_verb_on_garbage_returns_clean_reports_or_raises_a_venue_error(
    module: ModuleType, case: str, data: st.DataObject
) -> None:
    verb, target = module.CASES[case]
    body = data.draw(garbage_bodies(module.ROUTES[target]), label="body")
    garbage = Garbage(target, body, module._valid)
    must_fail = body in NON_JSON_PAGES
    check_verb_on_garbage(module._build, garbage, verb, " ".join(target), must_fail=must_fail)


@pytest.mark.parametrize(("module", "case"), CASES)
@pytest.mark.parametrize("page", NON_JSON_PAGES[:3], ids=["502", "maintenance", "cloudflare"])
def test_an_html_page_with_200_is_a_bad_response_naming_the_endpoint(
    module: ModuleType, case: str, page: bytes
) -> None:
    verb, target = module.CASES[case]

    with pytest.raises(VenueBadResponse) as caught:
        run_verb(module._build, Garbage(target, page, module._valid), verb)

    assert caught.value.endpoint == " ".join(target)
    assert caught.value.venue == module.VENUE
