"""The whole RabbitMQ topology, declared in one place and idempotent to declare.

One durable topic exchange ``paywire.events``; each consuming service has a durable
quorum queue with an explicit ``x-delivery-limit`` (RabbitMQ before 4.0 has no default),
dead-lettering to the direct exchange ``paywire.dlx`` with the queue's own name as the
routing key, into ``<queue>.dlq``. An operator replays a dead letter by moving it back.
"""

from __future__ import annotations

from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel
from pamqp.common import FieldTable

__all__ = ["DLX", "EXCHANGE", "QUEUES", "QueueSpec", "declare_topology"]

EXCHANGE = "paywire.events"
DLX = "paywire.dlx"


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """A consuming service's quorum queue and the routing keys bound to it."""

    name: str
    bindings: tuple[str, ...]
    delivery_limit: int = 5

    @property
    def dead_letter_queue(self) -> str:
        """Where messages go after ``delivery_limit`` failed deliveries."""
        return f"{self.name}.dlq"

    @property
    def arguments(self) -> FieldTable:
        """Queue arguments: quorum, bounded redelivery, dead-lettering."""
        return {
            "x-queue-type": "quorum",
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-exchange": DLX,
            "x-dead-letter-routing-key": self.name,
        }


LEDGER_PROVIDER_EVENTS = QueueSpec("ledger.provider-events", ("provider.#",))
LEDGER_FULFILLMENT_EVENTS = QueueSpec("ledger.fulfillment-events", ("fulfillment.#",))
FULFILLMENT_PAYMENT_EVENTS = QueueSpec(
    "fulfillment.payment-events",
    ("payment.paid", "payment.refunded", "payment.charged_back"),
)
NOTIFIER_EMAIL = QueueSpec("notifier.email", ("payment.#", "fulfillment.#"))

QUEUES: dict[str, QueueSpec] = {
    spec.name: spec
    for spec in (
        LEDGER_PROVIDER_EVENTS,
        LEDGER_FULFILLMENT_EVENTS,
        FULFILLMENT_PAYMENT_EVENTS,
        NOTIFIER_EMAIL,
    )
}


async def declare_topology(
    channel: AbstractChannel, queues: tuple[QueueSpec, ...] | None = None
) -> aio_pika.abc.AbstractExchange:
    """Declare the exchanges and the given queues (all of them by default); returns the exchange."""
    exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
    dlx = await channel.declare_exchange(DLX, aio_pika.ExchangeType.DIRECT, durable=True)
    for spec in queues if queues is not None else tuple(QUEUES.values()):
        queue = await channel.declare_queue(spec.name, durable=True, arguments=spec.arguments)
        for key in spec.bindings:
            await queue.bind(exchange, routing_key=key)
        dlq = await channel.declare_queue(
            spec.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"}
        )
        await dlq.bind(dlx, routing_key=spec.name)
    return exchange
