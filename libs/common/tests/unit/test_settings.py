import pytest
from common.settings import Environment, Settings, StripeSettings, is_placeholder, split_csv
from pydantic import SecretStr, ValidationError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PAYWIRE_ variable from the developer's shell leaks into a test."""
    import os

    for name in list(os.environ):
        if name.startswith("PAYWIRE_"):
            monkeypatch.delenv(name)


def load() -> Settings:
    return Settings(_env_file=None)


def secrets_of(values: list[SecretStr]) -> list[str]:
    return [v.get_secret_value() for v in values]


def test_split_csv_strips_and_drops_empty_items() -> None:
    """A comma-separated string becomes a list of stripped, non-empty items."""
    assert split_csv(" a, b ,,c ,") == ["a", "b", "c"]
    assert split_csv(["x"]) == ["x"]


def test_comma_separated_secrets_become_a_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several webhook secrets come from one comma-separated variable (a rotation)."""
    monkeypatch.setenv("PAYWIRE_STRIPE__WEBHOOK_SECRETS", "whsec_old, whsec_new")
    assert secrets_of(load().stripe.webhook_secrets) == ["whsec_old", "whsec_new"]


def test_nested_variables_use_a_double_underscore(monkeypatch: pytest.MonkeyPatch) -> None:
    """``PAYWIRE_<SECTION>__<FIELD>`` sets a nested setting."""
    monkeypatch.setenv("PAYWIRE_LEDGER__PORT", "9102")
    monkeypatch.setenv("PAYWIRE_LEDGER__HOST", "0.0.0.0")
    monkeypatch.setenv("PAYWIRE_STRIPE__TOLERANCE_SECONDS", "60")
    monkeypatch.setenv("PAYWIRE_SMTP__FROM", "shop <shop@example.test>")
    monkeypatch.setenv("PAYWIRE_PUBLISH_TIMEOUT_SECONDS", "2.5")
    settings = load()
    assert (settings.ledger.host, settings.ledger.port) == ("0.0.0.0", 9102)
    assert settings.stripe.tolerance_seconds == 60
    assert settings.smtp.sender == "shop <shop@example.test>"
    assert settings.publish_timeout_seconds == 2.5


def test_defaults_describe_a_local_development_setup() -> None:
    """Without variables, a process runs in dev against local services."""
    settings = load()
    assert (settings.env, settings.database_url, settings.amqp_url.get_secret_value()) == (
        Environment.DEV,
        "postgresql+asyncpg://postgres@127.0.0.1:5432/paywire",
        "amqp://guest:guest@127.0.0.1:5672/",
    )


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("PAYWIRE_STRIPE__API_KEY", "", "stripe.api_key"),
        ("PAYWIRE_STRIPE__API_KEY", "sk_test_changeme", "stripe.api_key"),
        (
            "PAYWIRE_STRIPE__WEBHOOK_SECRETS",
            "whsec_real1234,whsec_your-secret",
            "stripe.webhook_secrets[1]",
        ),
        ("PAYWIRE_AMQP_URL", "amqp://user:placeholder@rabbit:5672/", "amqp_url"),
    ],
)
def test_prod_refuses_empty_or_placeholder_secrets_and_names_them(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    """In prod an empty or placeholder secret stops the process, and the error says which."""
    monkeypatch.setenv("PAYWIRE_ENV", "prod")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as exc:
        load()
    assert [e["msg"] for e in exc.value.errors()] == [
        f"Value error, prod refuses empty or placeholder secrets: {named}"
    ]


def test_prod_names_every_bad_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """All bad secrets are named at once, not one per restart."""
    monkeypatch.setenv("PAYWIRE_ENV", "prod")
    monkeypatch.setenv("PAYWIRE_STRIPE__API_KEY", "xxx")
    monkeypatch.setenv("PAYWIRE_STRIPE__WEBHOOK_SECRETS", "whsec_example")
    with pytest.raises(ValidationError) as exc:
        load()
    assert [e["msg"] for e in exc.value.errors()] == [
        "Value error, prod refuses empty or placeholder secrets: "
        "stripe.webhook_secrets[0], stripe.api_key"
    ]


def test_prod_accepts_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real-looking secrets pass the prod check."""
    monkeypatch.setenv("PAYWIRE_ENV", "prod")
    monkeypatch.setenv("PAYWIRE_STRIPE__API_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc")
    monkeypatch.setenv("PAYWIRE_STRIPE__WEBHOOK_SECRETS", "whsec_9aQ3ZxP1")
    settings = load()
    assert (settings.env, secrets_of(settings.stripe.webhook_secrets)) == (
        Environment.PROD,
        ["whsec_9aQ3ZxP1"],
    )


def test_dev_allows_empty_and_placeholder_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside prod, placeholder secrets are allowed so that a laptop setup starts."""
    monkeypatch.setenv("PAYWIRE_ENV", "dev")
    monkeypatch.setenv("PAYWIRE_STRIPE__API_KEY", "")
    monkeypatch.setenv("PAYWIRE_STRIPE__WEBHOOK_SECRETS", "whsec_changeme")
    stripe = load().stripe
    assert (stripe.api_key, secrets_of(stripe.webhook_secrets)) == (
        SecretStr(""),
        ["whsec_changeme"],
    )


def test_configured_secrets_lists_every_secret_with_its_name() -> None:
    """``configured_secrets`` finds secrets at every level, with dotted names."""
    settings = Settings(
        _env_file=None,
        stripe=StripeSettings(webhook_secrets=[SecretStr("whsec_a1"), SecretStr("whsec_b2")]),
    )
    assert [(name, s.get_secret_value()) for name, s in settings.configured_secrets()] == [
        ("amqp_url", "amqp://guest:guest@127.0.0.1:5672/"),
        ("stripe.webhook_secrets[0]", "whsec_a1"),
        ("stripe.webhook_secrets[1]", "whsec_b2"),
    ]


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("", True),
        ("   ", True),
        ("CHANGEME", True),
        ("your-key-here", True),
        ("whsec_9aQ3ZxP1", False),
    ],
)
def test_is_placeholder(value: str, placeholder: bool) -> None:
    """Empty values and example markers count as placeholders; real values do not."""
    assert is_placeholder(SecretStr(value)) is placeholder
