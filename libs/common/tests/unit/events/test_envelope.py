import json
from datetime import UTC, datetime

import pytest
from common.events import CloudEvent, EnvelopeError

OCCURRED = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)


def make_event(**overrides: object) -> CloudEvent:
    fields: dict[str, object] = {
        "id": "evt_stripe_0123",
        "source": "paywire/ingress",
        "type": "paywire.provider.payment_succeeded",
        "time": OCCURRED,
        "subject": "ses_01JABCDEFGHJKMNPQRSTVWXYZ0",
        "correlationid": "req_42",
        "data": {"amount": 49900, "currency": "INR", "nested": {"ok": True}},
    }
    fields.update(overrides)
    return CloudEvent.model_validate(fields)


def test_an_event_round_trips_through_bytes() -> None:
    """An event parsed from its own bytes equals the original."""
    event = make_event()
    assert CloudEvent.from_bytes(event.to_bytes()) == event


def test_the_body_is_structured_mode_json() -> None:
    """The body holds the CloudEvents attributes and omits unset optional ones."""
    body = json.loads(make_event(subject=None).to_bytes())
    assert body == {
        "specversion": "1.0",
        "id": "evt_stripe_0123",
        "source": "paywire/ingress",
        "type": "paywire.provider.payment_succeeded",
        "time": "2025-03-14T09:26:53Z",
        "datacontenttype": "application/json",
        "correlationid": "req_42",
        "dataschemaversion": 1,
        "data": {"amount": 49900, "currency": "INR", "nested": {"ok": True}},
    }


def test_time_defaults_to_now_in_utc() -> None:
    """An event made without a time is stamped with the current UTC time."""
    before = datetime.now(UTC)
    event = CloudEvent(id="e1", source="s", type="t", data={})
    assert before <= event.time <= datetime.now(UTC)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[]",
        b"{}",
        b'{"id": "e1", "source": "s", "type": "t"}',
        b'{"id": "", "source": "s", "type": "t", "data": {}}',
        b'{"specversion": "0.3", "id": "e1", "source": "s", "type": "t", "data": {}}',
        b'{"id": "e1", "source": "s", "type": "t", "data": []}',
        b'{"id": "e1", "source": "s", "type": "t", "data": {}, "time": "yesterday"}',
    ],
)
def test_garbage_raises_envelope_error(body: bytes) -> None:
    """Anything that is not a valid CloudEvent raises ``EnvelopeError``."""
    with pytest.raises(EnvelopeError):
        CloudEvent.from_bytes(body)


def test_events_are_immutable() -> None:
    """An event cannot be changed after it was made."""
    event = make_event()
    with pytest.raises(ValueError, match="frozen"):
        event.id = "other"  # type: ignore[misc]
