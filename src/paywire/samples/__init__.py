"""Correctly signed sample provider events, for ``paywire trigger`` and the demo.

One module per provider builds a realistic body for a named provider event and signs it
with the provider's own scheme, reusing ingress's ``Provider.sign`` so that the signing
code exists once. ``SAMPLES`` lists them explicitly: provider → event name → builder.
"""

from __future__ import annotations

from paywire.samples.alchemy import ALCHEMY_SAMPLES
from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest
from paywire.samples.coinbase import COINBASE_SAMPLES
from paywire.samples.onecom import ONECOM_SAMPLES
from paywire.samples.payu import PAYU_SAMPLES
from paywire.samples.phonepe import PHONEPE_SAMPLES
from paywire.samples.razorpay import RAZORPAY_SAMPLES
from paywire.samples.standard import STANDARD_SAMPLES
from paywire.samples.stripe import STRIPE_SAMPLES
from paywire.samples.upi import UPI_SAMPLES

__all__ = ["SAMPLES", "SampleBuilder", "SampleSession", "SignedRequest"]

SAMPLES: dict[str, dict[str, SampleBuilder]] = {
    "stripe": STRIPE_SAMPLES,
    "razorpay": RAZORPAY_SAMPLES,
    "coinbase": COINBASE_SAMPLES,
    "alchemy": ALCHEMY_SAMPLES,
    "standard": STANDARD_SAMPLES,
    "upi": UPI_SAMPLES,
    "onecom": ONECOM_SAMPLES,
    "payu": PAYU_SAMPLES,
    "phonepe": PHONEPE_SAMPLES,
}
