"""The UPI gateway: an NPCI ``upi://pay`` link, a QR code a scanner reads back, no API."""

from __future__ import annotations

import base64
import io

import pytest
import segno
import zxingcpp
from common.money import Money
from common.web import ApiError
from ledger.gateways import CheckoutRequest, GatewayError, RefundRequest, StatusRequest
from ledger.gateways.upi import UpiGateway, upi_link
from PIL import Image

SESSION = "ses_01J5ZK3V8QH7N2M4R6T9W1X3YA"
LINK = (
    "upi://pay?pa=books.shop@okaxis&pn=Acme%20Books%20%26%20Co.&am=499.00&cu=INR"
    f"&tr={SESSION}&tn=Pro%20plan%20%E2%80%94%201%20year"
)


def checkout_request(currency: str = "INR") -> CheckoutRequest:
    return CheckoutRequest(
        session_id=SESSION,
        merchant_id="mer_1",
        amount=49900,
        currency=currency,
        customer={},
        description="Pro plan — 1 year",
    )


def decoded_png(data_uri: str) -> list[str]:
    """What a QR scanner reads in a PNG data URI."""
    prefix = "data:image/png;base64,"
    assert data_uri.startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(data_uri.removeprefix(prefix))))
    return [found.text for found in zxingcpp.read_barcodes(image)]


def test_the_link_percent_encodes_every_value_but_the_vpas_at() -> None:
    """Spaces, ``&`` and non-ASCII text are percent-encoded; the amount is in rupees."""
    link = upi_link(
        vpa="books.shop@okaxis",
        payee_name="Acme Books & Co.",
        amount=Money(49900, "INR"),
        reference=SESSION,
        note="Pro plan — 1 year",
    )
    assert link == LINK


def test_the_note_is_cut_to_fifty_characters() -> None:
    """``tn`` holds at most 50 characters, as UPI apps show it."""
    link = upi_link(
        vpa="a@b1", payee_name="A", amount=Money(100, "INR"), reference="r", note="x" * 80
    )
    assert link == f"upi://pay?pa=a@b1&pn=A&am=1.00&cu=INR&tr=r&tn={'x' * 50}"


async def test_the_checkout_is_the_link_and_its_qr_code() -> None:
    """The details carry the link, a PNG QR code that scans back to it, and its SVG."""
    checkout = await UpiGateway("books.shop@okaxis", "Acme Books & Co.").create_checkout(
        checkout_request()
    )
    details = checkout.details
    qr_svg = segno.make_qr(LINK, error="m").svg_inline(scale=8)
    assert (details["type"], details["uri"], details["qr_svg"], checkout.provider_payment_ids) == (
        "upi",
        LINK,
        qr_svg,
        (),
    )
    assert decoded_png(details["qr_png"]) == [LINK]


async def test_a_currency_other_than_inr_is_refused() -> None:
    """UPI moves rupees only: another currency is a 422 before anything is built."""
    with pytest.raises(ApiError) as raised:
        await UpiGateway("a@b1", "A").create_checkout(checkout_request("EUR"))
    assert (raised.value.status, raised.value.code) == (422, "unsupported_currency")


async def test_there_is_no_status_to_ask_and_no_refund_to_make() -> None:
    """A status check answers nothing; a refund is refused with the reason."""
    gateway = UpiGateway("a@b1", "A")
    status = await gateway.fetch_status(StatusRequest(SESSION, 49900, "INR"))
    with pytest.raises(GatewayError) as raised:
        await gateway.refund(RefundRequest(SESSION, "rfd_1", 100, "INR"))
    assert (status, raised.value.code, raised.value.message) == (
        None,
        "refund_unsupported",
        "UPI collect has no refund API; refund from your bank or PSP",
    )
