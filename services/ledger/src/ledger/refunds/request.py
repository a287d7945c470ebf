"""``POST /v1/sessions/{id}/refunds``: reserve the amount, then ask the provider.

In one transaction: claim the ``Idempotency-Key``, lock the session, check the refund
against the state machine (paid or partially refunded; no more than remains once other
requested refunds are counted), insert the refund as ``requested`` (the database refuses
it if requested and succeeded refunds would exceed the capture, whatever the check
above), note the request on the timeline, schedule a status check, and store the answer.
Only then is the provider called, with no transaction open; its answer updates the stored
answer. If the provider cannot be reached, the refund stays requested and the scheduler
sends it again, so a crash or an outage never loses or doubles a refund.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from common.ids import new_id
from common.logging import get_logger
from common.web import ApiError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger import store
from ledger.domain import RefundRefused
from ledger.gateways import Gateway, GatewayError, GatewayUnavailable, RefundRequest
from ledger.idempotency import Answer, claim_key, request_hash, store_answer
from ledger.provider_failures import provider_failure
from ledger.reconciliation.settings import ReconcileSettings
from ledger.reconciliation.store import schedule_check
from ledger.refunds import records
from ledger.refunds.submit import submit_refund
from ledger.schemas import CreateRefund

__all__ = ["NO_REFUND_API", "RefundAsk", "request_refund"]

log = get_logger(__name__)

NO_REFUND_API = {
    "pi": "Pi Network has no refund API: send the Pi back to the payer with an app-to-user "
    "payment from your app's wallet",
    "coinbase": "Coinbase Commerce has no refund API: send the crypto back to the payer "
    "from your own wallet",
    "alchemy": "on-chain deposits have no refund API: send the coins back from your wallet",
    "upi": "UPI collect has no refund API: refund the payer from your bank or PSP",
}
"""Providers whose API cannot refund, and what the merchant does instead; refused before
anything is reserved (a gateway answering ``refund_unsupported`` is refused after)."""

_STATUS = {"refund_not_allowed": 409, "nothing_to_refund": 409, "refund_exceeds_remaining": 422}


@dataclass(frozen=True, slots=True)
class RefundAsk:
    """A merchant's refund request for one of its sessions."""

    merchant_id: str
    session_id: str
    body: CreateRefund
    idempotency_key: str | None = None


async def request_refund(
    factory: async_sessionmaker[AsyncSession],
    gateways: Mapping[str, Gateway],
    ask: RefundAsk,
    reconcile: ReconcileSettings,
) -> Answer:
    """Refund as ``ask`` says (or replay the answer stored under its key)."""
    reserved = await _reserve(factory, gateways, ask, reconcile)
    if isinstance(reserved, Answer):
        return reserved
    answer = await _submit(factory, reserved)
    if ask.idempotency_key is not None and answer is not reserved.answer:
        async with factory.begin() as db:
            await store_answer(db, ask.merchant_id, ask.idempotency_key, answer)
    return answer


@dataclass(frozen=True, slots=True)
class _Reserved:
    """A refund committed as requested, and the answer stored for it so far."""

    gateway: Gateway
    request: RefundRequest
    answer: Answer


async def _reserve(
    factory: async_sessionmaker[AsyncSession],
    gateways: Mapping[str, Gateway],
    ask: RefundAsk,
    reconcile: ReconcileSettings,
) -> _Reserved | Answer:
    key = ask.idempotency_key
    try:
        async with factory.begin() as db:
            if key is not None:
                body = ask.body.model_dump(mode="json")
                digest = request_hash({"refund_of": ask.session_id} | body)
                stored = await claim_key(db, ask.merchant_id, key, digest)
                if stored is not None:
                    return stored
            gateway, refund_id = await _insert(db, gateways, ask, reconcile)
            answer = await _answer(db, ask.session_id, refund_id)
            if key is not None:
                await store_answer(db, ask.merchant_id, key, answer)
            request = await records.request_for(db, ask.session_id, refund_id)
    except IntegrityError as exc:
        if "sessions_requested_refunds_within_capture" not in str(exc.orig):
            raise
        raise ApiError(
            422, "refund_exceeds_remaining", "refunds would exceed what was captured"
        ) from None
    return _Reserved(gateway, request, answer)


async def _submit(factory: async_sessionmaker[AsyncSession], reserved: _Reserved) -> Answer:
    request = reserved.request
    try:
        refusal = await submit_refund(factory, reserved.gateway, request)
    except GatewayUnavailable as exc:
        log.warning(
            "refund_deferred",
            session_id=request.session_id,
            refund_id=request.refund_id,
            code=exc.code,
        )
        return reserved.answer
    if refusal is not None:
        return _refused(reserved.gateway.provider, refusal)
    async with factory() as db:
        return await _answer(db, request.session_id, request.refund_id)


async def _insert(
    db: AsyncSession, gateways: Mapping[str, Gateway], ask: RefundAsk, reconcile: ReconcileSettings
) -> tuple[Gateway, str]:
    """Lock the session, check the refund against it, and insert it as requested."""
    record = await store.lock_session_by_id(db, ask.session_id, ask.merchant_id)
    if record is None:
        raise ApiError(404, "not_found", "no such session")
    provider = record.row.provider
    gateway = gateways.get(provider)
    if provider in NO_REFUND_API or gateway is None:
        message = NO_REFUND_API.get(provider, f"paywire has no {provider} API access configured")
        raise ApiError(422, "refund_unsupported", message)
    checkout = record.checkout
    try:
        pending = checkout.reserve_refund(new_id("rfd"), ask.body.amount)
    except RefundRefused as exc:
        raise ApiError(_STATUS[exc.code], exc.code, exc.reason) from None
    currency = (checkout.captured or checkout.price).currency
    await records.insert_requested(db, ask.session_id, pending, currency, ask.body.reason)
    request = {"request": "refund", "merchant_id": ask.merchant_id, "refund_id": pending.refund_id}
    detail = request | {"amount": pending.amount, "currency": currency, "reason": ask.body.reason}
    await store.add_timeline(db, ask.session_id, "received", None, detail)
    first_check = reconcile.schedule_for(provider).delay(0)
    await schedule_check(db, ask.session_id, datetime.now(UTC) + first_check)
    return gateway, pending.refund_id


async def _answer(db: AsyncSession, session_id: str, refund_id: str) -> Answer:
    refund = await records.find_refund(db, session_id, refund_id)
    return Answer(201, refund.model_dump(mode="json"))


def _refused(provider: str, refusal: GatewayError) -> Answer:
    """422 ``refund_unsupported`` when the provider cannot refund at all, else 502."""
    if refusal.code == "refund_unsupported":
        failure = ApiError(422, "refund_unsupported", refusal.message)
    else:
        failure = provider_failure(provider, refusal)
    error: dict[str, Any] = {"code": failure.code, "message": failure.message}
    if failure.details:
        error["details"] = failure.details
    return Answer(failure.status, {"error": error})
