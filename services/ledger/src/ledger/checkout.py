"""Creating checkout sessions: the provider's checkout first, then the session, once.

``create_session`` claims the ``Idempotency-Key`` (``ledger.key_claims``), asks the
provider's gateway for a checkout (creating the Stripe customer first when the merchant
names a customer), then in one transaction inserts the session with its ``checkout``,
records the provider payment ids as attempts (so that a webhook carrying only those ids
matches the session) and stores the answer under the key. No transaction is open while the
provider is called.

A provider failure answers 502 and leaves nothing behind: no session is inserted and the
key is released, so retrying with it is safe. The provider's own idempotency key, derived
from the session id the claim reserves, keeps a call retried by the client from creating a
second payment at the provider. A provider whose API is not configured gets
``checkout: null``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from common.events import PaymentStatus
from common.ids import new_session_id
from common.logging import get_logger
from common.web import ApiError
from ingress.providers.http import HttpPolicy
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger import idempotency, key_claims, store, stripe_customers
from ledger.gateways import Checkout, CheckoutRequest, Gateway, GatewayError, GatewayUnavailable
from ledger.gateways.stripe import StripeGateway
from ledger.metrics import SESSIONS_CREATED
from ledger.provider_failures import provider_failure
from ledger.schemas import CreateSession, SessionOut
from ledger.tables import sessions

__all__ = ["Created", "create_session", "lease_for"]

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Created:
    """The answer to a create request; ``replayed`` when it came from the idempotency store."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def lease_for(policy: HttpPolicy) -> timedelta:
    """How long a claimed key is held: two provider calls (customer, checkout) at worst."""
    return timedelta(seconds=2 * policy.worst_case_seconds() + 10)


async def create_session(
    factory: async_sessionmaker[AsyncSession],
    gateways: Mapping[str, Gateway],
    merchant_id: str,
    request: CreateSession,
    idempotency_key: str | None,
    ttl: timedelta,
    lease: timedelta,
) -> Created:
    """Create a session (or replay the response stored under ``idempotency_key``)."""
    held: key_claims.Claim | None = None
    if idempotency_key is not None:
        digest = idempotency.request_hash(request.model_dump(mode="json"))
        claimed = await key_claims.claim(factory, merchant_id, idempotency_key, digest, lease)
        if isinstance(claimed, key_claims.Stored):
            return Created(claimed.status_code, claimed.body, replayed=True)
        held = claimed
    session_id = held.session_id if held else new_session_id()
    try:
        await _refuse_used_reference(factory, merchant_id, request.reference)
        gateway = gateways.get(request.provider.value)
        checkout = await _open_checkout(factory, gateway, merchant_id, session_id, request)
        body = await _insert(factory, merchant_id, session_id, request, checkout, held, ttl)
    except Exception:
        if held is not None:
            await key_claims.release(factory, held)
        raise
    SESSIONS_CREATED.inc()
    return Created(201, body)


def _reference_conflict() -> ApiError:
    return ApiError(409, "reference_conflict", "a session with this reference already exists")


async def _refuse_used_reference(
    factory: async_sessionmaker[AsyncSession], merchant_id: str, reference: str | None
) -> None:
    """Spare the provider a checkout that the reference's unique key would refuse anyway."""
    if reference is None:
        return
    async with factory() as db:
        used = await db.scalar(
            select(sessions.c.id)
            .where(sessions.c.merchant_id == merchant_id)
            .where(sessions.c.reference == reference)
        )
    if used is not None:
        raise _reference_conflict()


async def _open_checkout(
    factory: async_sessionmaker[AsyncSession],
    gateway: Gateway | None,
    merchant_id: str,
    session_id: str,
    request: CreateSession,
) -> Checkout | None:
    if gateway is None:
        return None
    customer = request.customer.model_dump(exclude_none=True)
    try:
        provider_customer = None
        if isinstance(gateway, StripeGateway) and request.customer.id is not None:
            provider_customer = await stripe_customers.ensure(
                factory, gateway, merchant_id, customer
            )
        return await gateway.create_checkout(
            CheckoutRequest(
                session_id=session_id,
                merchant_id=merchant_id,
                amount=request.amount,
                currency=request.currency,
                customer=customer,
                description=request.description,
                product=request.product,
                return_url=request.return_url,
                provider_customer_id=provider_customer,
            )
        )
    except GatewayError as exc:
        log.warning(
            "checkout_failed",
            provider=gateway.provider,
            session_id=session_id,
            code=exc.code,
            unavailable=isinstance(exc, GatewayUnavailable),
        )
        raise provider_failure(gateway.provider, exc) from exc


async def _insert(
    factory: async_sessionmaker[AsyncSession],
    merchant_id: str,
    session_id: str,
    request: CreateSession,
    checkout: Checkout | None,
    held: key_claims.Claim | None,
    ttl: timedelta,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    values = {
        "id": session_id,
        "merchant_id": merchant_id,
        "status": PaymentStatus.CREATED.value,
        "amount": request.amount,
        "currency": request.currency,
        "provider": request.provider.value,
        "customer": request.customer.model_dump(exclude_none=True),
        "product": request.product,
        "description": request.description,
        "reference": request.reference,
        "metadata": request.metadata,
        "return_url": request.return_url,
        "created_at": now,
        "updated_at": now,
        "expires_at": now + ttl,
        "checkout": checkout.details if checkout else None,
    }
    body = SessionOut.model_validate({**values, "amount_refunded": 0}).model_dump(mode="json")
    try:
        async with factory.begin() as db:
            await db.execute(insert(sessions).values(values))
            if checkout is not None:
                await store.record_attempts(
                    db, session_id, request.provider.value, checkout.provider_payment_ids
                )
            if held is not None and not await key_claims.complete(db, held, 201, body):
                raise ApiError(
                    409,
                    "idempotency_key_in_use",
                    "another request took over this Idempotency-Key; retry to read its answer",
                )
    except IntegrityError as exc:
        if "sessions_merchant_reference_key" in str(exc.orig):
            raise _reference_conflict() from None
        raise
    return body
