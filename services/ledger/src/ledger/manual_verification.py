"""A merchant marks a session paid by hand, for a payment confirmed outside paywire.

It goes through the state machine like any success (any unsettled status may be
confirmed; a settled one is refused with 409) and is journaled like any capture. The
timeline keeps who asked and why: a ``received`` entry with the merchant id and note,
then the ``applied`` transition carrying both.
"""

from __future__ import annotations

from datetime import UTC, datetime

from common.ids import new_event_id
from common.web import ApiError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger import store
from ledger.domain import IllegalTransition
from ledger.effects import Cause, record_outcome

__all__ = ["confirm_manually"]


async def confirm_manually(
    factory: async_sessionmaker[AsyncSession], merchant_id: str, session_id: str, note: str
) -> None:
    """Pay ``merchant_id``'s session ``session_id`` on the merchant's word, with ``note``."""
    async with factory.begin() as db:
        record = await store.lock_session_by_id(db, session_id, merchant_id)
        if record is None:
            raise ApiError(404, "not_found", "no such session")
        try:
            outcome = record.checkout.confirm_manually()
        except IllegalTransition:
            status = record.checkout.status.value
            raise ApiError(
                409, "invalid_status", f"a {status} session cannot be confirmed by hand"
            ) from None
        cause = Cause(new_event_id(), datetime.now(UTC))
        who = {"merchant_id": merchant_id, "note": note}
        await store.add_timeline(
            db, session_id, "received", cause.event_id, {"request": "manual_verification"} | who
        )
        await record_outcome(db, record, outcome, cause, {"verified_by": "merchant"} | who)
