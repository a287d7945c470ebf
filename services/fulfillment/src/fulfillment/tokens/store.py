"""Issued access tokens: one per session, found by ``jti``, denied on revocation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fulfillment.tables import access_tokens, api_keys, invoices
from fulfillment.tokens.claims import AccessClaims

__all__ = ["Grant", "deny_access_token", "load_grant", "record_access_token"]


@dataclass(frozen=True, slots=True)
class Grant:
    """What a token's ``jti`` opens: its session's invoice and API key, unless denied."""

    jti: str
    session_id: str
    invoice_id: str
    api_key_id: str
    api_key_hint: str
    denied: bool


async def record_access_token(session: AsyncSession, claims: AccessClaims, kid: str) -> None:
    """Keep the token's ``jti`` (never the token) so that it can be denied later."""
    await session.execute(
        insert(access_tokens).values(
            jti=claims.jti,
            session_id=claims.session_id,
            kid=kid,
            issued_at=claims.issued_at,
            expires_at=claims.expires_at,
        )
    )


async def load_grant(session: AsyncSession, jti: str) -> Grant | None:
    """The grant of ``jti``, or None for a token this service never issued."""
    row = (
        await session.execute(
            select(
                access_tokens.c.session_id,
                access_tokens.c.revoked_at,
                invoices.c.id.label("invoice_id"),
                api_keys.c.id.label("api_key_id"),
                api_keys.c.hint,
            )
            .join(invoices, invoices.c.session_id == access_tokens.c.session_id)
            .join(api_keys, api_keys.c.session_id == access_tokens.c.session_id)
            .where(access_tokens.c.jti == jti)
        )
    ).first()
    if row is None:
        return None
    return Grant(
        jti=jti,
        session_id=row.session_id,
        invoice_id=row.invoice_id,
        api_key_id=row.api_key_id,
        api_key_hint=row.hint,
        denied=row.revoked_at is not None,
    )


async def deny_access_token(session: AsyncSession, session_id: str) -> None:
    """Deny the session's token from now on (idempotent)."""
    await session.execute(
        update(access_tokens)
        .where(access_tokens.c.session_id == session_id, access_tokens.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
