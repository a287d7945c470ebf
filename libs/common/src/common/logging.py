"""structlog configured once for every paywire process.

``configure_logging`` routes the standard library's loggers (uvicorn, aio-pika,
SQLAlchemy) through the same processors, renders JSON in production or when stdout is
not a terminal, and redacts anything that looks like a secret before it is rendered.
Bind per-request or per-message context with ``structlog.contextvars.bind_contextvars``.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog

__all__ = ["REDACTED", "configure_logging", "get_logger", "redact_secrets"]

REDACTED = "[redacted]"

_SECRET_KEYS = re.compile(
    r"(secret|password|passwd|token|api_key|apikey|authorization|signature|salt|cookie|key_secret)",
    re.IGNORECASE,
)
_SECRET_VALUES = re.compile(
    r"(whsec_[A-Za-z0-9+/=_-]+|sk_(live|test)_[A-Za-z0-9]+|pwk_[A-Za-z0-9_]+|"
    r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|"
    r"(?<=://)[^:/@\s]+:[^@\s]+(?=@))"
)
_extra_secrets: set[str] = set()


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: hide values under secret-looking keys and known secret shapes.

    Nested dicts, lists and tuples are redacted the same way.
    """
    for key, value in list(event_dict.items()):
        if key != "event" and _SECRET_KEYS.search(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _redact_value(value)
    return event_dict


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return _scrub(value)
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and _SECRET_KEYS.search(k) else _redact_value(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_redact_value(item) for item in value)
    return value


def _scrub_rendered(_logger: Any, _method: str, rendered: Any) -> Any:
    """Last processor: scrub the rendered line, which includes formatted exceptions."""
    return _scrub(rendered) if isinstance(rendered, str) else rendered


def _scrub(text: str) -> str:
    text = _SECRET_VALUES.sub(REDACTED, text)
    for secret in _extra_secrets:
        text = text.replace(secret, REDACTED)
    return text


def configure_logging(level: str = "INFO", fmt: str = "auto", secrets: Iterable[str] = ()) -> None:
    """Set up structlog and the stdlib root logger. ``fmt`` is ``json``, ``console`` or ``auto``.

    ``secrets`` are literal values (configured webhook secrets, API keys) that are
    scrubbed from every rendered line whatever key they appear under.
    """
    _extra_secrets.clear()
    _extra_secrets.update(s for s in secrets if len(s) >= 6)
    use_json = fmt == "json" or (fmt == "auto" and not sys.stdout.isatty())
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        redact_secrets,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if use_json
        else structlog.dev.ConsoleRenderer(colors=sys.stdout.isatty())
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if use_json else _identity,
            renderer,
            _scrub_rendered,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiormq", "aio_pika", "sqlalchemy.engine", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def _identity(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    return event_dict


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    """A bound structlog logger; configuration happens in ``configure_logging``."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
