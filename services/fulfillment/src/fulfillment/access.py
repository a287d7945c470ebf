"""Opening an access token: what it grants, checked against what was issued."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from fulfillment.invoices import Invoice, load_invoice
from fulfillment.tokens import (
    AccessClaims,
    Grant,
    InvalidAccessToken,
    SigningKeyRing,
    decode_access_token,
    load_grant,
)

__all__ = ["Access", "open_access"]


@dataclass(frozen=True, slots=True)
class Access:
    """A verified token's claims, its grant and the invoice it shows."""

    claims: AccessClaims
    grant: Grant
    invoice: Invoice


async def open_access(
    session: AsyncSession, keyring: SigningKeyRing, token: str, issuer: str
) -> Access:
    """Verify ``token`` and load what it grants; raises ``InvalidAccessToken``.

    Beyond the signature, ``exp`` and ``iss``, the token must name a ``jti`` this
    service issued, for the same session (``sid``) and merchant (``aud``). A denied
    token still opens: callers decide what a revoked grant may still show.
    """
    claims = decode_access_token(token, await keyring.verification_keys(), issuer)
    grant = await load_grant(session, claims.jti)
    invoice = None if grant is None else await load_invoice(session, grant.invoice_id)
    if (
        grant is None
        or invoice is None
        or grant.session_id != claims.session_id
        or invoice.merchant_id != claims.audience
    ):
        raise InvalidAccessToken("the token matches no access this service issued")
    return Access(claims=claims, grant=grant, invoice=invoice)
