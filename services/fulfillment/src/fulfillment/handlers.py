"""What fulfillment does with payment events, each in one transaction with its inbox claim.

- ``payment.paid``: an invoice, an access token and an API key, and ``fulfillment.issued``.
- ``payment.refunded`` / ``payment.charged_back``: the key revoked, the token denied, and
  ``fulfillment.revoked``.

Emitted events get ids derived from the session, so a retried issuance cannot enqueue
a second copy. Handlers take their dependencies as arguments; ``bootstrap`` wires them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from common.db import claim_event, enqueue
from common.events import CloudEvent, FulfillmentIssued, FulfillmentRevoked, PaymentEvent
from common.ids import event_id_for, new_id
from common.logging import get_logger
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fulfillment.api_keys import generate_api_key, revoke_api_key, store_api_key
from fulfillment.invoices import invoice_exists, issue_invoice
from fulfillment.revocations import is_revoked, lock_session, record_revocation
from fulfillment.tables import messaging
from fulfillment.tokens import (
    SigningKeyRing,
    access_claims,
    deny_access_token,
    record_access_token,
    sign_access_token,
)

__all__ = ["EVENT_SOURCE", "access_url", "on_payment_paid", "on_payment_reversed"]

EVENT_SOURCE = "paywire/fulfillment"
"""The CloudEvents ``source`` of every event fulfillment emits."""

UnitOfWork = async_sessionmaker[AsyncSession]
log = get_logger(__name__)


async def on_payment_paid(
    event: CloudEvent,
    payment: PaymentEvent,
    uow: UnitOfWork,
    keyring: SigningKeyRing,
    public_base_url: str,
) -> None:
    """Issue the session's invoice, access token and API key, once per session."""
    signing_key = await keyring.current()
    now = datetime.now(UTC)
    async with uow.begin() as session:
        if not await claim_event(session, messaging.inbox, event.id):
            log.info("payment_event_duplicate", session_id=payment.session_id)
            return
        await lock_session(session, payment.session_id)
        if await is_revoked(session, payment.session_id):
            log.info("fulfillment_skipped", session_id=payment.session_id, reason="revoked")
            return
        if await invoice_exists(session, payment.session_id):
            log.info("fulfillment_skipped", session_id=payment.session_id, reason="issued")
            return
        invoice = await issue_invoice(session, payment, now)
        claims = access_claims(payment, jti=new_id("tok"), issuer=public_base_url, issued_at=now)
        token = sign_access_token(claims, signing_key)
        await record_access_token(session, claims, signing_key.kid)
        api_key = generate_api_key()
        await store_api_key(
            session,
            api_key,
            merchant_id=payment.merchant_id,
            session_id=payment.session_id,
            invoice_id=invoice.id,
            access_token=token,
        )
        issued = FulfillmentIssued(
            session_id=payment.session_id,
            merchant_id=payment.merchant_id,
            merchant_name=payment.merchant_name,
            customer=payment.customer,
            product=payment.product,
            amount=payment.amount,
            currency=payment.currency,
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            api_key_id=api_key.id,
            access_url=access_url(public_base_url, token),
            token_expires_at=claims.expires_at,
            occurred_at=now,
        )
        await _emit(session, event, "issued", payment.session_id, issued, issued.routing_key)
    log.info(
        "fulfillment_issued",
        session_id=payment.session_id,
        merchant_id=payment.merchant_id,
        invoice_number=invoice.number,
        key_id=api_key.id,
        kid=signing_key.kid,
    )


async def on_payment_reversed(event: CloudEvent, payment: PaymentEvent, uow: UnitOfWork) -> None:
    """Revoke the session's key and deny its token after a refund or a charge-back."""
    reason = payment.status.value
    async with uow.begin() as session:
        if not await claim_event(session, messaging.inbox, event.id):
            log.info("payment_event_duplicate", session_id=payment.session_id)
            return
        await lock_session(session, payment.session_id)
        await record_revocation(session, payment.session_id, reason)
        revoked = await revoke_api_key(session, payment.session_id, reason)
        await deny_access_token(session, payment.session_id)
        if revoked is None:
            log.info("fulfillment_revocation_recorded", session_id=payment.session_id)
            return
        notice = FulfillmentRevoked(
            session_id=payment.session_id,
            merchant_id=payment.merchant_id,
            customer=payment.customer,
            invoice_id=revoked.invoice_id,
            api_key_id=revoked.id,
            reason=reason,
            occurred_at=datetime.now(UTC),
        )
        await _emit(session, event, "revoked", payment.session_id, notice, notice.routing_key)
    log.info("fulfillment_revoked", session_id=payment.session_id, key_id=revoked.id)


def access_url(public_base_url: str, token: str) -> str:
    """The customer's link to their access page."""
    return f"{public_base_url.rstrip('/')}/v1/access/{token}"


async def _emit(
    session: AsyncSession,
    cause: CloudEvent,
    kind: str,
    session_id: str,
    data: BaseModel,
    routing_key: str,
) -> None:
    emitted = CloudEvent(
        id=event_id_for("fulfillment", f"{kind}:{session_id}"),
        source=EVENT_SOURCE,
        type=f"paywire.fulfillment.{kind}",
        subject=session_id,
        correlationid=cause.correlationid or cause.id,
        data=data.model_dump(mode="json"),
    )
    await enqueue(session, messaging.outbox, emitted, routing_key)
