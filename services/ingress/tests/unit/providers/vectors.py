"""The shared signature test vectors (``/work/shared/vectors``), read byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).resolve().parents[5].parent / "shared" / "vectors"


def vector(name: str) -> dict[str, Any]:
    """One provider's vector from ``vectors.json``."""
    vectors: dict[str, dict[str, Any]] = json.loads((VECTORS / "vectors.json").read_text())
    return vectors[name]


def vector_body(entry: dict[str, Any]) -> bytes:
    """The vector's exact body: its ``body_file`` as bytes, or its ``body`` as UTF-8."""
    if "body_file" in entry:
        return (VECTORS / entry["body_file"]).read_bytes()
    body: str = entry["body"]
    return body.encode()
