"""UPI sample events (the preconfigured generic HMAC source ``upi``), named by status."""

from __future__ import annotations

from paywire.samples.base import SampleBuilder
from paywire.samples.hmac_source import hmac_source_samples

__all__ = ["UPI_SAMPLES"]

UPI_SAMPLES: dict[str, SampleBuilder] = hmac_source_samples("upi")
