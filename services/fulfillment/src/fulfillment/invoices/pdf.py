"""Rendering an invoice as a one-page PDF with fpdf2.

Rendering is CPU work done on the first download, never while issuing; the result is
cached on the invoice row. The built-in Helvetica covers Latin-1; any other character
falls back to a common substitute or its unaccented form, else ``?``.
"""

from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from fulfillment.invoices.invoice import Invoice

__all__ = ["render_invoice_pdf"]

_FONT = "Helvetica"
_LABEL_WIDTH = 40
_AMOUNT_WIDTH = 50
_SUBSTITUTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u0141": "L",
        "\u0142": "l",
    }
)


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice's PDF: merchant, customer, the line bought, amount, number and dates."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(invoice.issued_at)
    pdf.set_title(_latin1(f"Invoice {invoice.number}"))
    pdf.set_author(_latin1(invoice.merchant_name))
    pdf.add_page()

    pdf.set_font(_FONT, style="B", size=20)
    _line(pdf, invoice.merchant_name, height=12)
    pdf.set_font(_FONT, size=14)
    _line(pdf, f"Invoice {invoice.number}", height=10)
    pdf.ln(4)

    pdf.set_font(_FONT, size=10)
    for label, value in (
        ("Invoice number", invoice.number),
        ("Issued", invoice.issued_at.strftime("%Y-%m-%d")),
        ("Paid", invoice.paid_at.strftime("%Y-%m-%d")),
        ("Bill to", invoice.customer_label),
        ("Reference", invoice.session_id),
    ):
        pdf.cell(_LABEL_WIDTH, 6, _latin1(label))
        _line(pdf, value, height=6)
    pdf.ln(8)

    pdf.set_font(_FONT, style="B", size=10)
    pdf.cell(pdf.epw - _AMOUNT_WIDTH, 8, "Description", border="B")
    pdf.cell(_AMOUNT_WIDTH, 8, "Amount", border="B", align=Align.R)
    pdf.ln()
    pdf.set_font(_FONT, size=10)
    pdf.cell(pdf.epw - _AMOUNT_WIDTH, 8, _latin1(invoice.line_title))
    pdf.cell(_AMOUNT_WIDTH, 8, invoice.amount_display, align=Align.R)
    pdf.ln()
    if invoice.product and invoice.description:
        pdf.set_font(_FONT, style="I", size=9)
        pdf.multi_cell(pdf.epw - _AMOUNT_WIDTH, 5, _latin1(invoice.description))
    pdf.ln(2)
    pdf.set_font(_FONT, style="B", size=11)
    pdf.cell(pdf.epw - _AMOUNT_WIDTH, 10, "Total paid", border="T")
    pdf.cell(_AMOUNT_WIDTH, 10, invoice.amount_display, border="T", align=Align.R)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, height: float) -> None:
    pdf.cell(0, height, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _latin1(text: str) -> str:
    return "".join(_latin1_char(char) for char in text.translate(_SUBSTITUTES))


def _latin1_char(char: str) -> str:
    if ord(char) < 256:
        return char
    base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
    return base or "?"
