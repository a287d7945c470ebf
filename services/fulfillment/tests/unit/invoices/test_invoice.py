from datetime import UTC, datetime

import pytest
from fulfillment.invoices import Invoice

PAID = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def invoice(amount: int, currency: str, **fields: object) -> Invoice:
    values: dict[str, object] = {
        "id": "inv_1",
        "number": "ACME-2026-000001",
        "merchant_id": "mer_1",
        "merchant_name": "Acme",
        "session_id": "ses_1",
        "customer": {"name": "Asha Rao", "email": "asha@example.com"},
        "product": "Pro plan",
        "description": None,
        "amount": amount,
        "currency": currency,
        "paid_at": PAID,
        "issued_at": PAID,
        **fields,
    }
    return Invoice(**values)


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (1000, "JPY", "1000 JPY"),
        (49900, "INR", "499.00 INR"),
        (49905, "inr", "499.05 INR"),
        (1500, "KWD", "1.500 KWD"),
        (1, "KWD", "0.001 KWD"),
        (31415926, "PI", "3.1415926 PI"),
    ],
)
def test_the_amount_has_the_currency_s_own_decimals(amount: int, currency: str, shown: str) -> None:
    """An amount is shown with its currency's decimals: JPY 0, INR 2, KWD 3."""
    assert invoice(amount, currency).amount_display == shown


def test_the_line_falls_back_from_product_to_description() -> None:
    """The line names the product, else the description, else a payment."""
    titles = [
        invoice(100, "USD").line_title,
        invoice(100, "USD", product=None, description="Consulting").line_title,
        invoice(100, "USD", product=None).line_title,
    ]
    assert titles == ["Pro plan", "Consulting", "Payment"]


def test_the_customer_label_lists_what_is_known() -> None:
    """The bill-to line joins the customer's name, email and id as available."""
    labels = [
        invoice(100, "USD").customer_label,
        invoice(100, "USD", customer={"id": "cus_1"}).customer_label,
        invoice(100, "USD", customer={}).customer_label,
    ]
    assert labels == ["Asha Rao / asha@example.com", "cus_1", "Customer"]
