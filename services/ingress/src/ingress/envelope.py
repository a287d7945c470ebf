"""The CloudEvent ingress publishes for a normalized provider event."""

from __future__ import annotations

from common.events import CloudEvent, ProviderEvent
from common.ids import event_id_for

__all__ = ["to_cloud_event"]


def to_cloud_event(event: ProviderEvent, correlation_id: str) -> CloudEvent:
    """Wrap ``event``; the id derives from the provider's event id, so a redelivered
    webhook produces the same id and the consumers' inboxes drop the duplicate."""
    return CloudEvent(
        id=event_id_for(event.provider, event.provider_event_id),
        source=f"paywire/ingress/{event.provider}",
        type=f"paywire.provider.{event.kind.value}",
        subject=event.session_ref,
        correlationid=correlation_id,
        data=event.model_dump(mode="json"),
    )
