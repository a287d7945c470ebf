"""Choosing between the HTML page and JSON from the ``Accept`` header."""

from __future__ import annotations

__all__ = ["accepts_html", "prefers_json"]

_JSON = "application/json"
_HTML = "text/html"


def prefers_json(accept: str) -> bool:
    """True when ``application/json`` is listed, ahead of ``text/html`` if both are."""
    types = _media_types(accept)
    if _JSON not in types:
        return False
    return _HTML not in types or types.index(_JSON) < types.index(_HTML)


def accepts_html(accept: str) -> bool:
    """True for a browser: ``text/html`` is listed and JSON is not preferred."""
    return _HTML in _media_types(accept) and not prefers_json(accept)


def _media_types(accept: str) -> list[str]:
    return [part.split(";", 1)[0].strip().lower() for part in accept.split(",")]
