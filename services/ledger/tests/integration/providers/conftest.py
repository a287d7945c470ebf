"""A ledger with the PayU, PhonePe, UPI and Alchemy gateways configured: PayU and PhonePe
pointed at fake APIs on loopback (0.5 s per attempt, three attempts, 10 ms backoff), a UPI
payee, and a pool of deposit addresses of the test's own."""

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from common.provider_settings import DepositAddress
from ledger.app import create_app
from ledger.bootstrap import Ledger, bootstrap
from ledger.settings import LedgerSettings

from tests.fakes.payu import FakePayu, fake_payu
from tests.fakes.phonepe import FakePhonepe, fake_phonepe

INGRESS = "https://hooks.paywire.test"
CUSTOMER_SITE = "https://pay.paywire.test"
SIGNING_KEY = "whsec_paywire_test_alchemy_signing_key"

Create = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture(scope="session")
def payu_api() -> Iterator[FakePayu]:
    """The fake PayU."""
    with fake_payu() as fake:
        yield fake


@pytest.fixture(scope="session")
def phonepe_api() -> Iterator[FakePhonepe]:
    """The fake PhonePe."""
    with fake_phonepe() as fake:
        yield fake


@pytest.fixture(autouse=True)
def fresh_fakes(payu_api: FakePayu, phonepe_api: FakePhonepe) -> None:
    """Forget the previous test's requests and faults."""
    payu_api.reset()
    phonepe_api.reset()


@pytest.fixture
def pool() -> list[DepositAddress]:
    """Two ETH_SEPOLIA deposit addresses no other test uses."""
    return [DepositAddress("ETH_SEPOLIA", "0x" + secrets.token_hex(20)) for _ in range(2)]


@pytest.fixture
def provider_settings(
    database_url: str, payu_api: FakePayu, phonepe_api: FakePhonepe, pool: list[DepositAddress]
) -> LedgerSettings:
    """Every one of the four gateways configured."""
    return LedgerSettings(
        _env_file=None,
        database_url=database_url,
        env="test",
        session_ttl_seconds=3600,
        provider_timeout_seconds=0.5,
        provider_attempts=3,
        provider_backoff_seconds=0.01,
        ingress_public_url=INGRESS,
        public_base_url=CUSTOMER_SITE,
        payu={
            "key": payu_api.key,
            "salts": payu_api.salt,
            "api_base": payu_api.url,
            "checkout_base": payu_api.url,
        },
        phonepe={
            "merchant_id": phonepe_api.merchant_id,
            "salt_keys": {phonepe_api.salt_index: phonepe_api.salt_key},
            "api_base": phonepe_api.url,
        },
        upi={"vpa": "books.shop@okaxis", "payee_name": "Acme Books"},
        alchemy={
            "signing_keys": SIGNING_KEY,
            "deposit_addresses": ",".join(f"{a.network}:{a.address}" for a in pool),
        },
    )


@pytest.fixture
async def provider_ledger(provider_settings: LedgerSettings) -> AsyncIterator[Ledger]:
    """The ledger built from ``provider_settings``."""
    built = bootstrap(provider_settings)
    yield built
    await built.close()


@pytest.fixture
async def api(
    provider_settings: LedgerSettings, provider_ledger: Ledger
) -> AsyncIterator[httpx.AsyncClient]:
    """That ledger's merchant API, over ASGI."""
    app = create_app(provider_settings, provider_ledger)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ledger") as http:
        yield http


@pytest.fixture
def create(api: httpx.AsyncClient, merchant: dict[str, str]) -> Create:
    """``POST /v1/sessions`` for the merchant with ``fields``; the response."""

    async def post(**fields: Any) -> httpx.Response:
        headers = {"authorization": merchant["authorization"]}
        return await api.post("/v1/sessions", json=fields, headers=headers)

    return post


@pytest.fixture
def read(api: httpx.AsyncClient, merchant: dict[str, str]) -> Callable[[str], Awaitable[Any]]:
    """``GET /v1/sessions/{id}`` for the merchant; the JSON."""

    async def get(session_id: str) -> Any:
        headers = {"authorization": merchant["authorization"]}
        response = await api.get(f"/v1/sessions/{session_id}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    return get
