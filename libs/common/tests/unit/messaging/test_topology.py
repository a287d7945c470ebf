from common.messaging import DLX, QUEUES, QueueSpec


def test_a_queue_spec_asks_for_a_quorum_queue_with_bounded_redelivery() -> None:
    """Every queue is quorum, sets ``x-delivery-limit`` explicitly and dead-letters to the DLX."""
    spec = QueueSpec("svc.things", ("thing.#",), delivery_limit=7)
    assert spec.arguments == {
        "x-queue-type": "quorum",
        "x-delivery-limit": 7,
        "x-dead-letter-exchange": "paywire.dlx",
        "x-dead-letter-routing-key": "svc.things",
    }
    assert spec.dead_letter_queue == "svc.things.dlq"


def test_the_service_queues_and_their_bindings() -> None:
    """The consuming services' queues bind the routing keys they handle."""
    assert {name: (spec.bindings, spec.delivery_limit) for name, spec in QUEUES.items()} == {
        "ledger.provider-events": (("provider.#",), 5),
        "ledger.fulfillment-events": (("fulfillment.#",), 5),
        "fulfillment.payment-events": (
            ("payment.paid", "payment.refunded", "payment.charged_back"),
            5,
        ),
        "notifier.email": (("payment.#", "fulfillment.#"), 5),
    }
    assert {spec.arguments["x-dead-letter-exchange"] for spec in QUEUES.values()} == {DLX}
