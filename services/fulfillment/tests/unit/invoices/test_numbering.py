import pytest
from fulfillment.invoices import format_invoice_number, invoice_prefix


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("Acme", "ACME"),
        ("Acme Tools Ltd.", "ACME"),
        ("  acme-tools", "ACME"),
        ("Ünicorn Labs", "UNICORN"),
        ("Supercalifragilistic", "SUPERCAL"),
        ("3M", "3M"),
        ("北京商店", "INV"),
        ("", "INV"),
    ],
)
def test_the_prefix_is_the_first_word_of_the_merchant_name(name: str, prefix: str) -> None:
    """The prefix is the merchant name's first ASCII word, upper-cased, at most 8 characters."""
    assert invoice_prefix(name) == prefix


def test_numbers_are_zero_padded_to_six_digits() -> None:
    """An invoice number is prefix, year and a six-digit sequence."""
    assert format_invoice_number("ACME", 2026, 42) == "ACME-2026-000042"


def test_numbers_past_six_digits_grow_wider() -> None:
    """A sequence past 999999 is written in full, never truncated."""
    assert format_invoice_number("ACME", 2027, 1_234_567) == "ACME-2027-1234567"
