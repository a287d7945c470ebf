"""The Stripe customer paywire keeps for each (merchant, merchant's customer id).

Created at Stripe on the first checkout that names the customer, with an idempotency key
derived from the pair, then kept in ``stripe_customers``; saved payment methods hang off it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.gateways.stripe import StripeGateway
from ledger.tables import stripe_customers

__all__ = ["ensure", "find"]


async def find(
    factory: async_sessionmaker[AsyncSession], merchant_id: str, customer_id: str
) -> str | None:
    """The Stripe customer id kept for the merchant's ``customer_id``, if any."""
    async with factory() as db:
        found: str | None = await db.scalar(
            select(stripe_customers.c.stripe_customer_id)
            .where(stripe_customers.c.merchant_id == merchant_id)
            .where(stripe_customers.c.customer_id == customer_id)
        )
    return found


async def ensure(
    factory: async_sessionmaker[AsyncSession],
    gateway: StripeGateway,
    merchant_id: str,
    customer: Mapping[str, Any],
) -> str:
    """The Stripe customer for ``customer`` (its ``id``, ``email``, ``name``), created when
    missing.

    Two first checkouts at once both ask Stripe, with the same idempotency key, and get
    the same customer; whichever row is stored first is kept.
    """
    customer_id = str(customer["id"])
    kept = await find(factory, merchant_id, customer_id)
    if kept is not None:
        return kept
    created = await gateway.create_customer(merchant_id, customer)
    async with factory.begin() as db:
        await db.execute(
            pg_insert(stripe_customers)
            .values(merchant_id=merchant_id, customer_id=customer_id, stripe_customer_id=created)
            .on_conflict_do_nothing()
        )
    return await find(factory, merchant_id, customer_id) or created
