"""PayU, PhonePe, UPI and Alchemy gateways exist exactly when their settings are complete;
Alchemy's only with the ledger's database, where its deposit addresses are held."""

from typing import Any

import httpx
import pytest
from common.settings import Settings
from ledger.gateways import configured_gateways
from ledger.gateways.alchemy import AlchemyGateway
from ledger.gateways.payu import PayuGateway
from ledger.gateways.phonepe import PhonepeGateway
from ledger.gateways.upi import UpiGateway
from sqlalchemy.ext.asyncio import async_sessionmaker

POOL = "ETH_SEPOLIA:0x" + "ab" * 20


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ({"payu": {"key": "gtKFFx"}}, {}),
        ({"payu": {"key": "gtKFFx", "salts": "s1,s2"}}, {"payu": PayuGateway}),
        ({"phonepe": {"merchant_id": "M1"}}, {}),
        ({"phonepe": {"merchant_id": "M1", "salt_keys": "1:k"}}, {"phonepe": PhonepeGateway}),
        ({"upi": {"vpa": "shop@okaxis"}}, {}),
        ({"upi": {"vpa": "shop@okaxis", "payee_name": "Shop"}}, {"upi": UpiGateway}),
        ({"alchemy": {"signing_keys": "whsec_1"}}, {}),
        ({"alchemy": {"deposit_addresses": POOL}}, {"alchemy": AlchemyGateway}),
    ],
)
async def test_a_gateway_is_present_only_when_configured(
    configured: dict[str, Any], expected: dict[str, type]
) -> None:
    """Half a credential pair, a VPA without a payee name, or no deposit address configure
    no gateway."""
    database = async_sessionmaker()
    async with httpx.AsyncClient() as http:
        gateways = configured_gateways(
            Settings(_env_file=None, **configured), http, database=database
        )
    assert {name: type(gateway) for name, gateway in gateways.items()} == expected


async def test_deposit_addresses_need_the_ledgers_database() -> None:
    """Without the database, the pool configures no Alchemy gateway."""
    async with httpx.AsyncClient() as http:
        gateways = configured_gateways(
            Settings(_env_file=None, alchemy={"deposit_addresses": POOL}), http
        )
    assert gateways == {}
