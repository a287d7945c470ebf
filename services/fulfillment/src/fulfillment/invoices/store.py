"""Invoice rows: gapless per-merchant numbering at issuance, reads, and the cached PDF."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.events import PaymentEvent
from common.ids import new_id
from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from fulfillment.invoices.invoice import Invoice
from fulfillment.invoices.numbering import format_invoice_number, invoice_prefix
from fulfillment.tables import invoice_counters, invoices

__all__ = ["cache_pdf", "cached_pdf", "invoice_exists", "issue_invoice", "load_invoice"]

_INVOICE_COLUMNS = [column for column in invoices.c if column.name not in {"sequence", "pdf"}]


async def issue_invoice(
    session: AsyncSession, payment: PaymentEvent, issued_at: datetime
) -> Invoice:
    """Take the merchant's next number and insert the invoice, in the caller's transaction.

    The counter upsert locks the merchant's counter row until the transaction ends, so
    concurrent issuances queue, and a rollback returns the number: no gaps, no repeats.
    The first invoice fixes the merchant's prefix.
    """
    counter = pg_insert(invoice_counters).values(
        merchant_id=payment.merchant_id,
        prefix=invoice_prefix(payment.merchant_name),
        last_sequence=1,
    )
    prefix, sequence = (
        await session.execute(
            counter.on_conflict_do_update(
                index_elements=[invoice_counters.c.merchant_id],
                set_={"last_sequence": invoice_counters.c.last_sequence + 1},
            ).returning(invoice_counters.c.prefix, invoice_counters.c.last_sequence)
        )
    ).one()
    invoice = Invoice(
        id=new_id("inv"),
        number=format_invoice_number(prefix, issued_at.year, sequence),
        merchant_id=payment.merchant_id,
        merchant_name=payment.merchant_name,
        session_id=payment.session_id,
        customer=dict(payment.customer),
        product=payment.product,
        description=payment.description,
        amount=payment.amount,
        currency=payment.currency,
        paid_at=payment.occurred_at,
        issued_at=issued_at,
    )
    await session.execute(insert(invoices).values(sequence=sequence, **_values(invoice)))
    return invoice


async def invoice_exists(session: AsyncSession, session_id: str) -> bool:
    """Whether ``session_id`` already has its invoice."""
    found = await session.execute(select(invoices.c.id).where(invoices.c.session_id == session_id))
    return found.first() is not None


async def load_invoice(session: AsyncSession, invoice_id: str) -> Invoice | None:
    """The invoice with ``invoice_id``, or None."""
    row = (
        await session.execute(select(*_INVOICE_COLUMNS).where(invoices.c.id == invoice_id))
    ).first()
    return None if row is None else _from_row(row)


async def cached_pdf(session: AsyncSession, invoice_id: str) -> bytes | None:
    """The invoice's PDF if it was rendered before."""
    found = await session.execute(select(invoices.c.pdf).where(invoices.c.id == invoice_id))
    pdf: bytes | None = found.scalar_one_or_none()
    return pdf


async def cache_pdf(session: AsyncSession, invoice_id: str, pdf: bytes) -> bytes:
    """Keep ``pdf`` unless a concurrent first download stored one already; returns the kept one."""
    kept = await session.execute(
        update(invoices)
        .where(invoices.c.id == invoice_id)
        .values(pdf=func.coalesce(invoices.c.pdf, pdf))
        .returning(invoices.c.pdf)
    )
    stored: bytes = kept.scalar_one()
    return stored


def _values(invoice: Invoice) -> dict[str, Any]:
    return {column.name: getattr(invoice, column.name) for column in _INVOICE_COLUMNS}


def _from_row(row: Row[Any]) -> Invoice:
    return Invoice(**{column.name: getattr(row, column.name) for column in _INVOICE_COLUMNS})
