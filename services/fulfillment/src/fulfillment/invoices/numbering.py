"""Invoice numbers: ``<PREFIX>-<year>-<sequence>``, e.g. ``ACME-2026-000042``."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["FALLBACK_PREFIX", "format_invoice_number", "invoice_prefix"]

FALLBACK_PREFIX = "INV"
"""The prefix of a merchant whose name has no ASCII letter or digit."""

_MAX_PREFIX = 8
_WORD = re.compile(r"[A-Za-z0-9]+")


def invoice_prefix(merchant_name: str) -> str:
    """The first word of the merchant's name, transliterated to ASCII, upper-cased, ≤ 8 chars."""
    ascii_name = unicodedata.normalize("NFKD", merchant_name).encode("ascii", "ignore").decode()
    words = _WORD.findall(ascii_name)
    return words[0].upper()[:_MAX_PREFIX] if words else FALLBACK_PREFIX


def format_invoice_number(prefix: str, year: int, sequence: int) -> str:
    """``ACME-2026-000042``: at least six digits, more once a merchant passes 999999."""
    return f"{prefix}-{year:04d}-{sequence:06d}"
