"""Generic HMAC sources in the settings: preconfigured ones merged with configured ones."""

from __future__ import annotations

import os

import pytest
from common.provider_settings import (
    HmacAlgorithm,
    HmacEncoding,
    HmacOutcome,
    HmacSignedContent,
    HmacSourceSettings,
)
from common.settings import Settings
from pydantic import SecretStr, ValidationError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PAYWIRE_ variable from the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("PAYWIRE_"):
            monkeypatch.delenv(name)


def load() -> Settings:
    return Settings(_env_file=None)


def test_upi_and_onecom_ship_preconfigured_without_secrets() -> None:
    """Without variables, upi and onecom are declared, with no secret (so not served)."""
    sources = load().hmac_sources
    assert sources == {
        "upi": HmacSourceSettings(
            header="X-UPI-Signature",
            event_id_field="event_id",
            payment_id_field="utr",
            amount_in_major_units=True,
            refund_id_field="refund_id",
            statuses={
                "SUCCESS": HmacOutcome.SUCCEEDED,
                "PENDING": HmacOutcome.PENDING,
                "FAILURE": HmacOutcome.FAILED,
                "REFUNDED": HmacOutcome.REFUNDED,
            },
        ),
        "onecom": HmacSourceSettings(
            header="X-Onecom-Signature",
            signed_content=HmacSignedContent.TIMESTAMP_BODY,
            timestamp_header="X-Onecom-Timestamp",
            tolerance_seconds=300,
            event_id_field="id",
            reference_field="data.reference",
            payment_id_field="data.payment_id",
            amount_field="data.amount",
            currency_field="data.currency",
            status_field="data.status",
            refund_id_field="data.refund_id",
            statuses={
                "paid": HmacOutcome.SUCCEEDED,
                "pending": HmacOutcome.PENDING,
                "failed": HmacOutcome.FAILED,
                "refunded": HmacOutcome.REFUNDED,
            },
        ),
    }


def test_variables_override_a_preconfigured_source_field_by_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Secrets and one changed field keep the rest of the preconfigured source."""
    monkeypatch.setenv("PAYWIRE_HMAC_SOURCES__UPI__SECRETS", "upi_old, upi_new")
    monkeypatch.setenv("PAYWIRE_HMAC_SOURCES__ONECOM__TOLERANCE_SECONDS", "120")
    sources = load().hmac_sources
    assert (
        [secret.get_secret_value() for secret in sources["upi"].secrets],
        sources["upi"].header,
        sources["onecom"].tolerance_seconds,
        sources["onecom"].header,
    ) == (["upi_old", "upi_new"], "X-UPI-Signature", 120, "X-Onecom-Signature")


def test_a_new_source_needs_only_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """PAYWIRE_HMAC_SOURCES__<NAME>__* declares a source; unset fields take their defaults."""
    monkeypatch.setenv("PAYWIRE_HMAC_SOURCES__ACME__SECRETS", "acme_secret")
    monkeypatch.setenv("PAYWIRE_HMAC_SOURCES__ACME__HEADER", "X-Acme-Signature")
    monkeypatch.setenv("PAYWIRE_HMAC_SOURCES__ACME__ENCODING", "base64")
    monkeypatch.setenv("PAYWIRE_HMAC_SOURCES__ACME__STATUSES", "PAID:succeeded, VOID : failed")
    sources = load().hmac_sources
    assert (sorted(sources), sources["acme"]) == (
        ["acme", "onecom", "upi"],
        HmacSourceSettings(
            secrets=[SecretStr("acme_secret")],
            header="X-Acme-Signature",
            algorithm=HmacAlgorithm.SHA256,
            encoding=HmacEncoding.BASE64,
            statuses={"PAID": HmacOutcome.SUCCEEDED, "VOID": HmacOutcome.FAILED},
        ),
    )


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"SECRETS": "s", "STATUSES": "PAID:succeeded"}, "acme.header"),
        ({"SECRETS": "s", "HEADER": "X-Sig"}, "acme.statuses"),
        ({"HEADER": "X-Sig", "STATUSES": "PAID"}, "status:outcome pairs"),
        ({"HEADER": "X-Sig", "STATUSES": "PAID:settled"}, "acme.statuses.PAID"),
        ({"HEADER": "X-Sig", "STATUSES": "P:failed", "ALGORITHM": "md5"}, "acme.algorithm"),
        (
            {"HEADER": "X-Sig", "STATUSES": "P:failed", "SIGNED_CONTENT": "timestamp_body"},
            "a timestamp_header goes with signed_content timestamp_body",
        ),
        (
            {"HEADER": "X-Sig", "STATUSES": "P:failed", "TIMESTAMP_HEADER": "X-Time"},
            "a timestamp_header goes with signed_content timestamp_body",
        ),
    ],
)
def test_incomplete_or_inconsistent_source_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], problem: str
) -> None:
    """A source missing its header or status map, or with contradictory fields, is refused."""
    for field, value in variables.items():
        monkeypatch.setenv(f"PAYWIRE_HMAC_SOURCES__ACME__{field}", value)
    with pytest.raises(ValidationError, match=problem):
        load()


@pytest.mark.parametrize("name", ["Acme", "acme/../x", "", "-acme"])
def test_source_name_must_fit_a_path_segment(name: str) -> None:
    """Source names are lower-case letters, digits, _ and -, starting with a letter or digit."""
    with pytest.raises(ValidationError, match="is not a source name"):
        Settings(_env_file=None, hmac_sources={name: {"header": "X", "statuses": "P:failed"}})


def test_source_secrets_are_listed_and_checked_in_prod(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources' secrets are configured secrets: scrubbed from logs, refused in prod if fake."""
    monkeypatch.setenv("PAYWIRE_HMAC_SOURCES__UPI__SECRETS", "real_upi_secret_0123456789")
    names = [name for name, _ in load().configured_secrets()]
    monkeypatch.setenv("PAYWIRE_ENV", "prod")
    monkeypatch.setenv("PAYWIRE_HMAC_SOURCES__ONECOM__SECRETS", "changeme")
    with pytest.raises(ValidationError, match=r"hmac_sources\[onecom\]\.secrets\[0\]"):
        load()
    assert names == ["amqp_url", "hmac_sources[upi].secrets[0]"]
