"""Invoices: gapless per-merchant numbering, the invoice record, and its PDF."""

from fulfillment.invoices.invoice import Invoice
from fulfillment.invoices.numbering import format_invoice_number, invoice_prefix
from fulfillment.invoices.pdf import render_invoice_pdf
from fulfillment.invoices.store import (
    cache_pdf,
    cached_pdf,
    invoice_exists,
    issue_invoice,
    load_invoice,
)

__all__ = [
    "Invoice",
    "cache_pdf",
    "cached_pdf",
    "format_invoice_number",
    "invoice_exists",
    "invoice_prefix",
    "issue_invoice",
    "load_invoice",
    "render_invoice_pdf",
]
