import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from common.logging import REDACTED, configure_logging, get_logger, redact_secrets

WEBHOOK_SECRET = "9f8e7d6c5b4a-innocent-looking-secret"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Puts the stdlib root logger and structlog back as they were."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    configure_logging(secrets=())  # forget the test's secrets
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def redact(**event: Any) -> dict[str, Any]:
    return dict(redact_secrets(None, "info", event))


def json_lines(text: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in text.splitlines()]
    for line in lines:
        line.pop("timestamp")
    return lines


def test_values_under_secret_keys_are_redacted() -> None:
    """Any value under a secret-looking key is hidden, whatever its type."""
    assert redact(
        event="provider_called",
        webhook_secret="abc",
        Authorization="Bearer xyz",
        password=1234,
        api_key=None,
        signature_header="t=1,v1=ff",
        provider="stripe",
    ) == {
        "event": "provider_called",
        "webhook_secret": REDACTED,
        "Authorization": REDACTED,
        "password": REDACTED,
        "api_key": REDACTED,
        "signature_header": REDACTED,
        "provider": "stripe",
    }


def test_known_secret_shapes_are_redacted_under_any_key() -> None:
    """Stripe secrets, API keys and URL credentials are hidden wherever they appear."""
    assert redact(
        event="config whsec_abc123XYZ loaded",
        note="using sk_live_51Habc and sk_test_99zz",
        url="amqp://guest:hunter2@rabbit:5672/",
        key_hint="pwk_a1_b2",
        count=3,
    ) == {
        "event": f"config {REDACTED} loaded",
        "note": f"using {REDACTED} and {REDACTED}",
        "url": f"amqp://{REDACTED}@rabbit:5672/",
        "key_hint": REDACTED,
        "count": 3,
    }


def test_nested_values_are_redacted() -> None:
    """Secrets inside dicts and lists are hidden like top-level ones."""
    assert redact(
        event="webhook_received",
        headers={"stripe-signature": "t=1,v1=ff", "content-type": "application/json"},
        urls=["postgresql://app:pw@db/paywire", "http://example.test"],
        pairs=(("token", "whsec_1a2b"),),
    ) == {
        "event": "webhook_received",
        "headers": {"stripe-signature": REDACTED, "content-type": "application/json"},
        "urls": [f"postgresql://{REDACTED}@db/paywire", "http://example.test"],
        "pairs": ((("token", REDACTED)),),
    }


def test_a_configured_secret_never_reaches_a_json_log_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A configured secret under an innocent key, or in a stdlib log, renders redacted."""
    configure_logging(level="INFO", fmt="json", secrets=[WEBHOOK_SECRET, "short"])
    get_logger("paywire.test").info(
        "provider_replied", body=f"echo {WEBHOOK_SECRET} back", attempt=2, short="short"
    )
    logging.getLogger("uvicorn.error").warning("header was %s", WEBHOOK_SECRET)

    out = capsys.readouterr().out
    assert WEBHOOK_SECRET not in out
    assert json_lines(out) == [
        {
            "event": "provider_replied",
            "body": f"echo {REDACTED} back",
            "attempt": 2,
            "short": "short",
            "level": "info",
            "logger": "paywire.test",
        },
        {
            "event": f"header was {REDACTED}",
            "level": "warning",
            "logger": "uvicorn.error",
        },
    ]


def test_a_configured_secret_in_an_exception_is_redacted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A logged exception whose message carries a secret renders without the secret."""
    configure_logging(level="INFO", fmt="json", secrets=[WEBHOOK_SECRET])
    try:
        raise RuntimeError(f"provider rejected {WEBHOOK_SECRET}")
    except RuntimeError:
        get_logger("paywire.test").exception("provider_failed", data={"echo": WEBHOOK_SECRET})

    out = capsys.readouterr().out
    assert WEBHOOK_SECRET not in out
    [line] = json_lines(out)
    assert line["exception"].splitlines()[-1] == f"RuntimeError: provider rejected {REDACTED}"
    assert {k: v for k, v in line.items() if k != "exception"} == {
        "event": "provider_failed",
        "data": {"echo": REDACTED},
        "level": "error",
        "logger": "paywire.test",
    }


def test_the_console_format_redacts_too(capsys: pytest.CaptureFixture[str]) -> None:
    """The developer console renderer hides configured secrets as well."""
    configure_logging(level="INFO", fmt="console", secrets=[WEBHOOK_SECRET])
    get_logger("paywire.test").info("provider_replied", body=WEBHOOK_SECRET)

    out = capsys.readouterr().out
    assert WEBHOOK_SECRET not in out
    assert f"body={REDACTED}" in out


def test_context_variables_are_merged_into_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Context bound with ``bind_contextvars`` appears on each line."""
    configure_logging(level="INFO", fmt="json")
    with structlog.contextvars.bound_contextvars(correlation_id="req_1"):
        get_logger("paywire.test").info("message_handled", queue="q")
    get_logger("paywire.test").debug("below_the_level")

    assert json_lines(capsys.readouterr().out) == [
        {
            "event": "message_handled",
            "queue": "q",
            "correlation_id": "req_1",
            "level": "info",
            "logger": "paywire.test",
        }
    ]
