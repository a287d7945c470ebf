import io
from datetime import UTC, datetime

from fulfillment.invoices import Invoice, render_invoice_pdf
from pypdf import PdfReader


def test_the_pdf_shows_the_invoice() -> None:
    """The PDF carries merchant, customer, line, amount, number and dates, in Latin-1."""
    pdf = render_invoice_pdf(
        Invoice(
            id="inv_1",
            number="ACME-2026-000042",
            merchant_id="mer_1",
            merchant_name="Łódź Crafts",
            session_id="ses_01JABCDEFGHJKMNPQRSTVWXYZ0",
            customer={"name": "Zoë Adams", "email": "zoe@example.com"},
            product="Pro plan",
            description="One year — Pro “annual” 北",
            amount=1500,
            currency="KWD",
            paid_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
            issued_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        )
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert pdf.startswith(b"%PDF")
    assert text.splitlines() == [
        "Lódz Crafts",
        "Invoice ACME-2026-000042",
        "Invoice number ACME-2026-000042",
        "Issued 2026-03-02",
        "Paid 2026-03-01",
        "Bill to Zoë Adams / zoe@example.com",
        "Reference ses_01JABCDEFGHJKMNPQRSTVWXYZ0",
        "Description Amount",
        "Pro plan 1.500 KWD",
        'One year - Pro "annual" ?',
        "Total paid 1.500 KWD",
    ]
