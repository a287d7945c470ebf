"""HTML pages rendered from the package's Jinja templates, with headers fit for secrets."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["PRIVATE_HEADERS", "render_page"]

PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
"""For any response that shows a key or carries the token: never cached, never referred."""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
_templates = Environment(
    loader=PackageLoader("fulfillment.api", "templates"),
    autoescape=select_autoescape(["html"]),
)


def render_page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``templates/<name>`` as a private page."""
    return HTMLResponse(
        _templates.get_template(name).render(**context),
        status_code=status_code,
        headers={**PRIVATE_HEADERS, "Content-Security-Policy": _CSP},
    )
