"""An event id derived from the body, for deliveries that carry none of their own."""

from __future__ import annotations

import hashlib

from common.events import RawBody

__all__ = ["body_event_id"]


def body_event_id(raw: RawBody) -> str:
    """``sha256:<hex>`` of the body: a redelivered body keeps its id, so it is deduplicated."""
    return "sha256:" + hashlib.sha256(raw.text.encode()).hexdigest()
