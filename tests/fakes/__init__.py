"""Fake provider APIs served over real HTTP on loopback, for tests of paywire's clients.

Each fake implements the part of a provider's API that paywire calls, with the provider's
request and answer shapes, authentication and error bodies:

- ``fake_stripe()``: PaymentIntents, refunds, customers, payment methods; ``Idempotency-Key``
- ``fake_razorpay()``: orders, an order's payments, payments, refunds (``X-Refund-Idempotency``)
- ``fake_coinbase()``: Coinbase Commerce charges
- ``fake_payu()``: PayU's hosted checkout post (forward hash) and merchant API commands
- ``fake_phonepe()``: PhonePe PG v1 pay page, Check Status and refunds (``X-VERIFY``)

Each is a context manager yielding the fake: ``fake.url`` is its base URL (point the
provider's ``*__API_BASE`` setting at it); ``fake.requests`` records what it received;
``fake.faults`` scripts failures (``fail(503, times=2)``, ``hang(1.0)``); the provider's
own controls move payments along (``set_intent_status``, ``pay``, ``advance``).
"""

from tests.fakes.coinbase import FakeCoinbase, fake_coinbase
from tests.fakes.payu import FakePayu, fake_payu
from tests.fakes.phonepe import FakePhonepe, fake_phonepe
from tests.fakes.razorpay import FakeRazorpay, fake_razorpay
from tests.fakes.server import FakeApi, Faults, Recorded, serving
from tests.fakes.stripe import FakeStripe, fake_stripe

__all__ = [
    "FakeApi",
    "FakeCoinbase",
    "FakePayu",
    "FakePhonepe",
    "FakeRazorpay",
    "FakeStripe",
    "Faults",
    "Recorded",
    "fake_coinbase",
    "fake_payu",
    "fake_phonepe",
    "fake_razorpay",
    "fake_stripe",
    "serving",
]
