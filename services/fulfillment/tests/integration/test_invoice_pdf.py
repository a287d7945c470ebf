import io
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.integration


def text_of(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


async def test_the_customer_downloads_the_pdf_with_the_access_token(
    client: httpx.AsyncClient, issue: Any, merchant: Any
) -> None:
    """The access token downloads its invoice's PDF, which shows the invoice number."""
    issued = await issue(merchant[0])
    response = await client.get(
        f"/v1/invoices/{issued.invoice_id}.pdf", params={"token": issued.token}
    )
    assert (response.status_code, response.headers["content-type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF")
    assert f"Invoice {issued.invoice_number}" in text_of(response.content).splitlines()


async def test_the_merchant_downloads_the_same_cached_pdf(
    client: httpx.AsyncClient, issue: Any, merchant: Any
) -> None:
    """The merchant key downloads the PDF; the second download is the cached first."""
    issued = await issue(merchant[0])
    auth = {"Authorization": f"Bearer {merchant[1]}"}
    first = await client.get(f"/v1/invoices/{issued.invoice_id}.pdf", headers=auth)
    second = await client.get(
        f"/v1/invoices/{issued.invoice_id}.pdf", params={"token": issued.token}
    )
    assert (first.status_code, second.content) == (200, first.content)
    assert "Total paid 499.00 INR" in text_of(first.content).splitlines()


async def test_anyone_else_gets_401_or_404(
    client: httpx.AsyncClient, issue: Any, merchant: Any, ledger: Any
) -> None:
    """No credentials, bad ones, another merchant's key or another invoice's token are refused."""
    issued, other = await issue(merchant[0]), await issue(merchant[0])
    _, stranger_key = ledger.add_merchant("Globex")
    url = f"/v1/invoices/{issued.invoice_id}.pdf"
    attempts = [
        await client.get(url),
        await client.get(url, headers={"Authorization": "Bearer sk_test_unknown"}),
        await client.get(url, params={"token": "not-a-token"}),
        await client.get(url, headers={"Authorization": f"Bearer {stranger_key}"}),
        await client.get(url, params={"token": other.token}),
        await client.get(
            "/v1/invoices/inv_missing.pdf", headers={"Authorization": f"Bearer {merchant[1]}"}
        ),
    ]
    assert [(r.status_code, r.json()["error"]["code"]) for r in attempts] == [
        (401, "unauthorized"),
        (401, "unauthorized"),
        (401, "invalid_token"),
        (404, "not_found"),
        (404, "not_found"),
        (404, "not_found"),
    ]


async def test_a_revoked_token_no_longer_downloads(
    client: httpx.AsyncClient, issue: Any, merchant: Any, handle: Any, payment_event: Any
) -> None:
    """After a charge-back the token is denied, while the merchant still gets the PDF."""
    issued = await issue(merchant[0])
    await handle(payment_event(merchant[0], status="charged_back", session_id=issued.session_id))
    url = f"/v1/invoices/{issued.invoice_id}.pdf"
    by_token = await client.get(url, params={"token": issued.token})
    by_merchant = await client.get(url, headers={"Authorization": f"Bearer {merchant[1]}"})
    assert (by_token.status_code, by_token.json()["error"]["code"], by_merchant.status_code) == (
        401,
        "token_revoked",
        200,
    )
