"""RabbitMQ messaging on aio-pika: topology, a confirming publisher and a safe consumer."""

from common.messaging.connection import AmqpConnection
from common.messaging.consumer import Consumer, PermanentFailure
from common.messaging.publisher import AmqpPublisher, Publisher, PublishFailed
from common.messaging.topology import (
    DLX,
    EXCHANGE,
    QUEUES,
    QueueSpec,
    declare_topology,
)

__all__ = [
    "DLX",
    "EXCHANGE",
    "QUEUES",
    "AmqpConnection",
    "AmqpPublisher",
    "Consumer",
    "PermanentFailure",
    "PublishFailed",
    "Publisher",
    "QueueSpec",
    "declare_topology",
]
