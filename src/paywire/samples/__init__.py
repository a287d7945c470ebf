"""Correctly signed sample provider events, for ``paywire trigger`` and the demo.

One module per provider builds a realistic body for a named provider event and signs it
with the provider's own scheme, reusing ingress's ``Provider.sign`` so that the signing
code exists once. ``SAMPLES`` lists them explicitly: provider → event name → builder.
"""

from __future__ import annotations

from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest
from paywire.samples.stripe import STRIPE_SAMPLES

__all__ = ["SAMPLES", "SampleBuilder", "SampleSession", "SignedRequest"]

SAMPLES: dict[str, dict[str, SampleBuilder]] = {
    "stripe": STRIPE_SAMPLES,
}
