"""A provider's API answer wrapped like ingress wraps the provider's webhook."""

from common.events import ProviderEvent, ProviderEventKind, VerifiedBy
from common.ids import event_id_for
from ledger.reconciliation.answers import answer_event


def answer(**fields: object) -> ProviderEvent:
    values: dict[str, object] = {
        "provider": "stripe",
        "provider_event_id": "status:pi_1:succeeded",
        "provider_event_type": "payment_intent.status.succeeded",
        "kind": ProviderEventKind.PAYMENT_SUCCEEDED,
        "verified_by": VerifiedBy.API_CONFIRMED,
        "amount": 1000,
        "currency": "USD",
    }
    return ProviderEvent.model_validate(values | fields)


def test_the_event_id_derives_from_the_provider_and_its_answer() -> None:
    """The same answer twice has the same id, so the inbox applies it once."""
    first = answer_event(answer(), "ses_1")
    again = answer_event(answer(), "ses_1", correlation_id="req_2")
    assert (first.id, again.id) == (event_id_for("stripe", "status:pi_1:succeeded"),) * 2


def test_an_answer_without_a_session_reference_is_about_the_session_asked() -> None:
    """The checked session becomes the event's session_ref and subject."""
    event = answer_event(answer(), "ses_1", correlation_id="req_1")
    assert (event.source, event.type, event.subject, event.correlationid, event.data) == (
        "paywire/ledger/reconciliation",
        "paywire.provider.payment_succeeded",
        "ses_1",
        "req_1",
        answer(session_ref="ses_1").model_dump(mode="json"),
    )
