"""The Pi Network server flow: read the payment from Pi, check it against its session, act.

Pi sends no webhooks. The app's frontend hands ingress a payment id at each step of the
Pi SDK's flow, and ingress trusts nothing the app says: it reads the payment from the Pi
Platform API, checks its ``metadata.paywire_session_id``, amount (exact π, ``Money("PI")``)
and state against the session the ledger holds, and only then approves or completes it.
What it learned is published ``verified_by=api_confirmed``:

=======================  =======================  ==================================
Pi payment               event kind               ``provider_payment_ids``
=======================  =======================  ==================================
approved                 ``payment_pending``      the payment identifier
completed with its txid  ``payment_succeeded``    the identifier and the txid
cancelled (by anyone)    ``payment_canceled``     the identifier
=======================  =======================  ==================================

The Pi API is always called before anything is published, and every step is idempotent: a
request retried after a 503 finds the payment approved or completed and publishes the same
event (same id) without calling Pi again. A payment Pi already shows completed is published
whatever its amount, since the money has moved: the ledger sends a mismatch to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn, assert_never

from common.events import PaymentStatus, ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.messaging import Publisher, PublishFailed
from common.money import Money

from ingress.envelope import to_cloud_event
from ingress.providers.pi.client import PiPlatform, PiReply
from ingress.providers.pi.errors import PiConflict, PiNotFound, PiUnavailable, PiUpstreamError
from ingress.providers.pi.schemas import PaymentState, PiPayment
from ingress.sessions import LedgerUnavailable, PublicSession, SessionDirectory

__all__ = ["PiFlow", "PiOutcome"]

Kind = ProviderEventKind
State = PaymentState
_PAYABLE = frozenset({PaymentStatus.CREATED, PaymentStatus.PENDING, PaymentStatus.FAILED})
_USER_TO_APP = "user_to_app"
_STEPS = {
    Kind.PAYMENT_PENDING: "approved",
    Kind.PAYMENT_SUCCEEDED: "completed",
    Kind.PAYMENT_CANCELED: "cancelled",
}
"""The step each published kind records; it names the event, so a retry keeps its id."""


@dataclass(frozen=True, slots=True)
class PiOutcome:
    """What a request did: the payment's state afterwards and the event published, if any."""

    payment_id: str
    session_id: str | None
    status: PaymentState
    event_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The answer's body."""
        return {
            "payment_id": self.payment_id,
            "session_id": self.session_id,
            "status": self.status.value,
            "event_id": self.event_id,
        }


class PiFlow:
    """Approve, complete and resolve incomplete Pi payments for paywire sessions."""

    def __init__(self, pi: PiPlatform, sessions: SessionDirectory, publisher: Publisher) -> None:
        self._pi = pi
        self._sessions = sessions
        self._publisher = publisher

    async def approve(self, payment_id: str, correlation_id: str) -> PiOutcome:
        """Server-Side Approval, once the payment matches a session that can still be paid."""
        reply = await self._pi.get_payment(payment_id)
        state = reply.payment.state
        match state:
            case State.CREATED | State.APPROVED:
                session = await self._session_of(reply.payment)
                _check_price(reply.payment, session)
                if session.status not in _PAYABLE:
                    raise PiConflict("session_not_payable", f"the session is {session.status}")
                if state is State.CREATED:
                    reply = await self._pi.approve(payment_id)
                    if not reply.payment.status.developer_approved:
                        raise PiUpstreamError("provider_error", "Pi did not approve the payment")
                return await self._publish(reply, Kind.PAYMENT_PENDING, correlation_id)
            case State.CANCELLED:
                await self._publish_cancellation(reply, correlation_id)
            case State.TRANSACTION_UNVERIFIED | State.AWAITING_COMPLETION | State.COMPLETED:
                raise PiConflict("payment_state", f"the payment is {state}; approval is past")
            case _:
                assert_never(state)

    async def complete(self, payment_id: str, txid: str, correlation_id: str) -> PiOutcome:
        """Server-Side Completion with the txid the app obtained, once it is Pi's verified one."""
        reply = await self._pi.get_payment(payment_id)
        state = reply.payment.state
        match state:
            case State.AWAITING_COMPLETION | State.COMPLETED:
                _check_txid(reply.payment, txid)
                session = await self._session_of(reply.payment)
                if state is State.AWAITING_COMPLETION:
                    _check_price(reply.payment, session)
                    reply = await self._complete(payment_id, txid)
                return await self._publish(reply, Kind.PAYMENT_SUCCEEDED, correlation_id)
            case State.CANCELLED:
                await self._publish_cancellation(reply, correlation_id)
            case State.CREATED | State.APPROVED:
                raise PiConflict("no_transaction", "the payment has no blockchain transaction")
            case State.TRANSACTION_UNVERIFIED:
                raise PiConflict("transaction_unverified", "Pi has not verified the transaction")
            case _:
                assert_never(state)

    async def resolve_incomplete(self, payment_id: str, correlation_id: str) -> PiOutcome:
        """An incomplete payment the SDK found: Pi's state decides what happens.

        On chain and verified: complete it. Completed or cancelled: publish that. Otherwise
        nothing has happened on chain yet: report the state and change nothing.
        """
        reply = await self._pi.get_payment(payment_id)
        payment = reply.payment
        state = payment.state
        match state:
            case State.AWAITING_COMPLETION:
                _check_price(payment, await self._session_of(payment))
                reply = await self._complete(payment_id, _txid(payment))
                return await self._publish(reply, Kind.PAYMENT_SUCCEEDED, correlation_id)
            case State.COMPLETED:
                await self._session_of(payment)
                return await self._publish(reply, Kind.PAYMENT_SUCCEEDED, correlation_id)
            case State.CANCELLED:
                await self._session_of(payment)
                return await self._publish(reply, Kind.PAYMENT_CANCELED, correlation_id)
            case State.CREATED | State.APPROVED | State.TRANSACTION_UNVERIFIED:
                return PiOutcome(payment.identifier, payment.session_id, state)
            case _:
                assert_never(state)

    async def _session_of(self, payment: PiPayment) -> PublicSession:
        if payment.direction != _USER_TO_APP:
            raise PiConflict("direction_mismatch", "only a user-to-app payment pays a session")
        session_id = payment.session_id
        if session_id is None:
            raise PiConflict(
                "metadata_mismatch", "the payment's metadata has no paywire_session_id"
            )
        try:
            session = await self._sessions.get(session_id)
        except LedgerUnavailable as exc:
            raise PiUnavailable("ledger_unavailable", "the ledger did not answer; retry") from exc
        if session is None:
            raise PiNotFound("unknown_session", "no paywire session has the payment's session id")
        return session

    async def _complete(self, payment_id: str, txid: str) -> PiReply:
        reply = await self._pi.complete(payment_id, txid)
        if not reply.payment.status.developer_completed:
            raise PiUpstreamError("provider_error", "Pi did not complete the payment")
        return reply

    async def _publish_cancellation(self, reply: PiReply, correlation_id: str) -> NoReturn:
        """Publish that the payment was cancelled (when it names a session), then refuse."""
        if reply.payment.session_id is not None:
            await self._session_of(reply.payment)
            await self._publish(reply, Kind.PAYMENT_CANCELED, correlation_id)
        raise PiConflict("payment_cancelled", "the payment was cancelled")

    async def _publish(self, reply: PiReply, kind: Kind, correlation_id: str) -> PiOutcome:
        payment = reply.payment
        event = _event(reply, kind)
        cloud_event = to_cloud_event(event, correlation_id)
        try:
            await self._publisher.publish(cloud_event, event.routing_key)
        except PublishFailed as exc:
            raise PiUnavailable("publish_failed", "the event was not stored; retry") from exc
        return PiOutcome(payment.identifier, payment.session_id, payment.state, cloud_event.id)


def _event(reply: PiReply, kind: Kind) -> ProviderEvent:
    payment = reply.payment
    money = _money(payment)
    txid = payment.transaction.txid if payment.transaction else None
    step = _STEPS[kind]
    return ProviderEvent(
        provider="pi",
        provider_event_id=f"{payment.identifier}:{step}",
        provider_event_type=f"payment.{step}",
        kind=kind,
        verified_by=VerifiedBy.API_CONFIRMED,
        session_ref=payment.session_id,
        provider_payment_ids=(payment.identifier, txid) if txid else (payment.identifier,),
        amount=money.minor if money else None,
        currency="PI",
        raw=RawBody(content_type="application/json", text=reply.body),
    )


def _money(payment: PiPayment) -> Money | None:
    try:
        return Money.from_major(payment.amount, "PI")
    except ValueError:
        return None  # more than 7 decimals or negative: no exact π amount


def _check_price(payment: PiPayment, session: PublicSession) -> None:
    price = Money(session.amount, session.currency)
    if _money(payment) != price:
        raise PiConflict(
            "amount_mismatch",
            f"the payment is {payment.amount} PI; the session expects {price.format()}",
        )


def _txid(payment: PiPayment) -> str:
    if payment.transaction is None:  # AWAITING_COMPLETION always has one
        raise PiUpstreamError("provider_error", "Pi reported no transaction")
    return payment.transaction.txid


def _check_txid(payment: PiPayment, txid: str) -> None:
    if _txid(payment) != txid:
        raise PiConflict("txid_mismatch", "the txid is not the payment's transaction")
