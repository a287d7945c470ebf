"""One.com sample events (the preconfigured generic HMAC source ``onecom``), named by status."""

from __future__ import annotations

from paywire.samples.base import SampleBuilder
from paywire.samples.hmac_source import hmac_source_samples

__all__ = ["ONECOM_SAMPLES"]

ONECOM_SAMPLES: dict[str, SampleBuilder] = hmac_source_samples("onecom")
