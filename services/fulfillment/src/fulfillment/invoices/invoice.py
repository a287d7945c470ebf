"""An issued invoice as the rest of the service reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.money import Money

__all__ = ["Invoice"]


@dataclass(frozen=True, slots=True)
class Invoice:
    """One paid session's invoice; ``amount`` is in minor units of ``currency``."""

    id: str
    number: str
    merchant_id: str
    merchant_name: str
    session_id: str
    customer: dict[str, Any]
    product: str | None
    description: str | None
    amount: int
    currency: str
    paid_at: datetime
    issued_at: datetime

    @property
    def money(self) -> Money:
        """The exact amount."""
        return Money(self.amount, self.currency)

    @property
    def amount_display(self) -> str:
        """The amount with the currency's own number of decimals: ``1000 JPY``, ``1.500 KWD``."""
        return self.money.format()

    @property
    def line_title(self) -> str:
        """What was bought: the product, else the description, else a generic label."""
        return self.product or self.description or "Payment"

    @property
    def customer_label(self) -> str:
        """The customer's name, email or id, as available, for the invoice's "Bill to"."""
        parts = [str(self.customer[f]) for f in ("name", "email", "id") if self.customer.get(f)]
        return " / ".join(parts) or "Customer"
