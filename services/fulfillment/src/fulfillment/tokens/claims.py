"""The claims of a customer's access token, built from a paid session and read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from common.events import PaymentEvent

__all__ = ["TOKEN_LIFETIME", "AccessClaims", "access_claims", "subject_of"]

TOKEN_LIFETIME = timedelta(days=7)
"""How long an access token is valid after it was issued."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """A verified token's claims: ``aud`` is the merchant, ``sid`` the session."""

    jti: str
    issuer: str
    audience: str
    subject: str
    session_id: str
    product: str | None
    issued_at: datetime
    expires_at: datetime

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> AccessClaims:
        """Read a decoded payload whose signature and registered claims were checked."""
        return cls(
            jti=str(payload["jti"]),
            issuer=str(payload["iss"]),
            audience=str(payload["aud"]),
            subject=str(payload["sub"]),
            session_id=str(payload["sid"]),
            product=payload.get("product"),
            issued_at=datetime.fromtimestamp(int(payload["iat"]), UTC),
            expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
        )

    def to_payload(self) -> dict[str, Any]:
        """The JWT payload: registered claims plus ``sid`` and ``product``."""
        return {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": self.subject,
            "sid": self.session_id,
            "product": self.product,
            "jti": self.jti,
            "iat": int(self.issued_at.timestamp()),
            "exp": int(self.expires_at.timestamp()),
        }


def access_claims(
    payment: PaymentEvent, *, jti: str, issuer: str, issued_at: datetime
) -> AccessClaims:
    """The claims of the token issued for ``payment``'s session at ``issued_at``."""
    issued_at = issued_at.replace(microsecond=0)
    return AccessClaims(
        jti=jti,
        issuer=issuer,
        audience=payment.merchant_id,
        subject=subject_of(payment),
        session_id=payment.session_id,
        product=payment.product,
        issued_at=issued_at,
        expires_at=issued_at + TOKEN_LIFETIME,
    )


def subject_of(payment: PaymentEvent) -> str:
    """The customer's id, else their email, else the session id."""
    for field in ("id", "email"):
        value = payment.customer.get(field)
        if isinstance(value, str) and value:
            return value
    return payment.session_id
