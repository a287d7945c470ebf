"""Reading events and turning them into stream entries."""

from __future__ import annotations

import pytest
from common.events import CloudEvent, PaymentStatus
from notifier.events import MalformedEvent, parse_event
from notifier.ws.messages import StreamEntry, StreamMessage, stream_entry


def _cloud_event(type_: str, data: dict[str, object]) -> CloudEvent:
    return CloudEvent(id="evt_1", source="test", type=type_, data=data)


@pytest.mark.parametrize("type_", ["paywire.payment.paid", "payment.paid"])
def test_payment_events_parse_with_or_without_the_prefix(payment, type_):
    """A payment event parses whether or not its type carries the ``paywire.`` prefix."""
    event = payment(PaymentStatus.PAID)

    assert parse_event(_cloud_event(type_, event.model_dump(mode="json"))) == event


def test_other_event_kinds_are_ignored():
    """A provider event is not the notifier's business."""
    assert parse_event(_cloud_event("paywire.provider.payment_succeeded", {})) is None


def test_a_known_kind_with_bad_data_is_malformed():
    """A fulfillment event missing its fields is malformed."""
    with pytest.raises(MalformedEvent):
        parse_event(_cloud_event("paywire.fulfillment.issued", {"session_id": "ses_1"}))


def test_a_payment_entry_keeps_the_status_and_drops_the_metadata(payment):
    """A payment entry carries the status and leaves the merchant's metadata out."""
    entry = stream_entry("evt_1", payment(PaymentStatus.PAID))

    assert entry == StreamEntry(
        event_id="evt_1",
        type="payment.paid",
        session_id="ses_01JABCDEFGHJKMNPQRSTVWXYZ0",
        merchant_id="mer_1",
        status="paid",
        data={
            "merchant_id": "mer_1",
            "merchant_name": "Acme <Tools>",
            "previous_status": "pending",
            "amount": 49900,
            "currency": "INR",
            "amount_refunded": 0,
            "provider": "stripe",
            "customer": {"email": "asha@example.com", "name": "Asha"},
            "product": "Pro plan",
            "description": None,
            "reference": None,
            "occurred_at": "2026-01-02T03:04:05Z",
        },
    )


def test_a_fulfillment_entry_never_carries_the_access_link(issued):
    """The access link embeds the token, so a stream entry leaves it out."""
    entry = stream_entry("evt_2", issued())

    assert entry == StreamEntry(
        event_id="evt_2",
        type="fulfillment.issued",
        session_id="ses_01JABCDEFGHJKMNPQRSTVWXYZ0",
        merchant_id="mer_1",
        status=None,
        data={
            "merchant_id": "mer_1",
            "merchant_name": "Acme <Tools>",
            "customer": {"email": "asha@example.com", "name": "Asha"},
            "product": "Pro plan",
            "amount": 49900,
            "currency": "INR",
            "invoice_id": "inv_1",
            "invoice_number": "ACME-000042",
            "api_key_id": "key_1",
            "token_expires_at": "2026-01-09T00:00:00Z",
            "occurred_at": "2026-01-02T03:04:05Z",
        },
    )


def test_a_message_renders_the_wire_shape():
    """On the wire a message is id (a string), type, session_id, status and data."""
    message = StreamMessage(7, "payment.paid", "ses_1", "mer_1", "paid", {"amount": 1})

    assert message.to_json() == (
        '{"id": "7", "type": "payment.paid", "session_id": "ses_1", "status": "paid",'
        ' "data": {"amount": 1}}'
    )
