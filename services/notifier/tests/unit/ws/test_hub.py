"""Fanning messages out to this instance's subscriptions."""

from __future__ import annotations

from notifier.ws.errors import CloseCode
from notifier.ws.hub import StreamHub
from notifier.ws.messages import StreamMessage
from notifier.ws.scope import StreamScope


def _message(id_: int, session_id: str = "ses_1", merchant_id: str = "mer_1") -> StreamMessage:
    return StreamMessage(id_, "payment.paid", session_id, merchant_id, "paid", {})


async def test_subscriptions_receive_only_what_matches_their_scope():
    """A session subscription gets its session; a merchant one gets all of that merchant's."""
    hub = StreamHub()
    published = [_message(1), _message(2, "ses_2"), _message(3, "ses_3", "mer_2")]

    with (
        hub.subscribe(StreamScope("mer_1", "ses_1")) as session,
        hub.subscribe(StreamScope("mer_1")) as merchant,
    ):
        for message in published:
            hub.publish(message)
        assert [(await session.next()).id] == [1]
        assert [(await merchant.next()).id, (await merchant.next()).id] == [1, 2]


async def test_a_session_of_another_merchant_is_never_delivered():
    """A scope for a session id still requires the merchant to match."""
    hub = StreamHub()

    with hub.subscribe(StreamScope("mer_2", "ses_1")) as subscription:
        hub.publish(_message(1))
        subscription.end(CloseCode.TRY_AGAIN_LATER, "bye")
        assert await subscription.next() is None


async def test_a_client_too_slow_is_ended_with_try_again_later():
    """A subscription whose buffer overflows ends with 1013 instead of growing."""
    hub = StreamHub(buffer=2)

    with hub.subscribe(StreamScope("mer_1")) as subscription:
        for id_ in range(1, 5):
            hub.publish(_message(id_))
        assert (await subscription.next(), subscription.end_code) == (
            None,
            CloseCode.TRY_AGAIN_LATER,
        )
