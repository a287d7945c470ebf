"""The Coinbase Commerce gateway against the fake: charge status; no refunds."""

import pytest
from common.ids import new_session_id
from ledger.gateways import (
    CheckoutRequest,
    Gateway,
    GatewayError,
    GatewayUnavailable,
    RefundRequest,
    StatusRequest,
)

from tests.fakes import FakeCoinbase

pytestmark = pytest.mark.integration


async def charged(gateway: Gateway, session_id: str) -> tuple[str, ...]:
    checkout = await gateway.create_checkout(
        CheckoutRequest(session_id, "mer_1", amount=4900, currency="USD", customer={})
    )
    return checkout.provider_payment_ids


@pytest.mark.parametrize(
    ("timeline", "expected"),
    [
        ([], None),
        ([("PENDING", None)], ("payment_pending", None)),
        ([("PENDING", None), ("COMPLETED", None)], ("payment_succeeded", None)),
        ([("EXPIRED", None)], ("payment_expired", None)),
        ([("UNRESOLVED", "UNDERPAID")], ("payment_failed", "UNDERPAID")),
    ],
)
async def test_the_latest_timeline_status_is_reported(
    gateways: dict[str, Gateway],
    coinbase_api: FakeCoinbase,
    timeline: list[tuple[str, str | None]],
    expected: tuple[str, str | None] | None,
) -> None:
    """NEW reports nothing; pending, completed, expired and unresolved map to kinds."""
    session_id = new_session_id()
    charge_id, code = await charged(gateways["coinbase"], session_id)
    for status, context in timeline:
        coinbase_api.advance(charge_id, status, context)
    event = await gateways["coinbase"].fetch_status(
        StatusRequest(session_id, 4900, "USD", (charge_id, code))
    )
    assert ((event.kind.value, event.failure_reason) if event else None) == expected


async def test_a_completed_charge_reports_its_local_price(
    gateways: dict[str, Gateway], coinbase_api: FakeCoinbase
) -> None:
    """The success carries 4900 USD cents and both charge ids, for the asked session."""
    session_id = new_session_id()
    charge_id, code = await charged(gateways["coinbase"], session_id)
    coinbase_api.advance(charge_id, "COMPLETED")
    event = await gateways["coinbase"].fetch_status(
        StatusRequest(session_id, 4900, "USD", (charge_id, code))
    )
    assert event is not None
    assert (event.amount, event.currency, event.provider_payment_ids, event.session_ref) == (
        4900,
        "USD",
        (charge_id, code),
        session_id,
    )


async def test_refunds_are_refused_because_coinbase_has_no_refund_api(
    gateways: dict[str, Gateway],
) -> None:
    """``refund_unsupported``, a refusal (not an outage), without calling Coinbase."""
    request = RefundRequest(new_session_id(), "ref_1", 100, "USD", ("charge",))
    with pytest.raises(GatewayError) as raised:
        await gateways["coinbase"].refund(request)
    assert (
        isinstance(raised.value, GatewayUnavailable),
        raised.value.code,
        raised.value.message,
    ) == (
        False,
        "refund_unsupported",
        "Coinbase Commerce has no refund API: return the crypto from the merchant's wallet",
    )
