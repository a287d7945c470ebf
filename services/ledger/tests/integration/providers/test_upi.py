"""A UPI session through the merchant API: its checkout is the payee's UPI link and QR."""

import base64
import io

import pytest
import zxingcpp
from PIL import Image

from .conftest import Create

pytestmark = pytest.mark.integration


async def test_a_upi_session_carries_its_link_and_a_scannable_qr_code(create: Create) -> None:
    """The checkout asks the configured VPA for the amount in rupees with the session id as
    the transaction reference; the QR code scans back to the same link."""
    response = await create(amount=49900, currency="inr", provider="upi", product="Pro plan")
    created = response.json()
    link = (
        "upi://pay?pa=books.shop@okaxis&pn=Acme%20Books&am=499.00&cu=INR"
        f"&tr={created['id']}&tn=Pro%20plan"
    )
    png = base64.b64decode(created["checkout"]["qr_png"].removeprefix("data:image/png;base64,"))
    scanned = [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    checkout = created["checkout"]
    assert (response.status_code, checkout["type"], checkout["uri"], scanned) == (
        201,
        "upi",
        link,
        [link],
    )
    assert checkout["qr_svg"].startswith("<svg ")
