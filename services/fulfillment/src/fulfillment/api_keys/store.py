"""API key rows: stored at issuance, revealed once, introspected, revoked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fulfillment.api_keys.keys import NewApiKey, key_id_of, matches_hash
from fulfillment.api_keys.sealing import seal_api_key, unseal_api_key
from fulfillment.tables import api_keys, invoices

__all__ = [
    "ActiveKey",
    "RevokedKey",
    "find_active_key",
    "reveal_api_key",
    "revoke_api_key",
    "store_api_key",
]


@dataclass(frozen=True, slots=True)
class ActiveKey:
    """An unrevoked key and what it was issued for."""

    session_id: str
    customer: dict[str, Any]
    product: str | None


@dataclass(frozen=True, slots=True)
class RevokedKey:
    """A key a revocation just turned off."""

    id: str
    invoice_id: str


async def store_api_key(
    session: AsyncSession,
    new_key: NewApiKey,
    *,
    merchant_id: str,
    session_id: str,
    invoice_id: str,
    access_token: str,
) -> None:
    """Store the key's hash and hint, and the full key sealed under ``access_token``."""
    await session.execute(
        insert(api_keys).values(
            id=new_key.id,
            merchant_id=merchant_id,
            session_id=session_id,
            invoice_id=invoice_id,
            secret_hash=new_key.secret_hash,
            hint=new_key.hint,
            sealed_key=seal_api_key(new_key.key, access_token, new_key.id),
        )
    )


async def reveal_api_key(session: AsyncSession, key_id: str, access_token: str) -> str | None:
    """The full key on its first reveal, deleting the sealed copy; None on later visits.

    The sealed copy is taken by one ``UPDATE ... RETURNING``: of two concurrent first
    visits, the second waits for the first to commit and then finds nothing left.
    """
    old = select(api_keys.c.id, api_keys.c.sealed_key).where(api_keys.c.id == key_id).subquery()
    sealed = (
        await session.execute(
            update(api_keys)
            .where(
                api_keys.c.id == old.c.id,
                api_keys.c.sealed_key.is_not(None),
                api_keys.c.revoked_at.is_(None),
            )
            .values(sealed_key=None, revealed_at=func.now())
            .returning(old.c.sealed_key)
        )
    ).scalar_one_or_none()
    return None if sealed is None else unseal_api_key(sealed, access_token, key_id)


async def find_active_key(session: AsyncSession, key: str, merchant_id: str) -> ActiveKey | None:
    """The key's details if it is genuine, unrevoked and was issued by ``merchant_id``."""
    key_id = key_id_of(key)
    if key_id is None:
        return None
    row = (
        await session.execute(
            select(
                api_keys.c.secret_hash,
                api_keys.c.merchant_id,
                api_keys.c.revoked_at,
                api_keys.c.session_id,
                invoices.c.customer,
                invoices.c.product,
            )
            .join(invoices, invoices.c.id == api_keys.c.invoice_id)
            .where(api_keys.c.id == key_id)
        )
    ).first()
    if (
        row is None
        or not matches_hash(key, row.secret_hash)
        or row.merchant_id != merchant_id
        or row.revoked_at is not None
    ):
        return None
    return ActiveKey(session_id=row.session_id, customer=row.customer, product=row.product)


async def revoke_api_key(session: AsyncSession, session_id: str, reason: str) -> RevokedKey | None:
    """Revoke the session's key (and drop any unrevealed sealed copy); None if none was live."""
    row = (
        await session.execute(
            update(api_keys)
            .where(api_keys.c.session_id == session_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=func.now(), revoke_reason=reason, sealed_key=None)
            .returning(api_keys.c.id, api_keys.c.invoice_id)
        )
    ).first()
    return None if row is None else RevokedKey(id=row.id, invoice_id=row.invoice_id)
