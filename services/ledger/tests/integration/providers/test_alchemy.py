"""On-chain deposits: each open session holds its own address of the pool, an exhausted
pool answers 503, a settled session lets go of its address, and Alchemy's webhook for a
transfer to the address pays the session that holds it."""

import asyncio
import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from common.ids import new_session_id
from common.provider_settings import DepositAddress
from ingress.envelope import to_cloud_event
from ingress.providers.alchemy import AlchemyProvider
from ingress.providers.request import WebhookRequest
from ledger import deposit_addresses
from ledger.bootstrap import Ledger
from ledger.expiry import expire_due
from ledger.handlers import on_provider_event
from ledger.tables import deposit_addresses as holds
from ledger.tables import sessions
from sqlalchemy import func, select, update

from .conftest import SIGNING_KEY, Create

pytestmark = pytest.mark.integration

Read = Callable[[str], Awaitable[Any]]
WEI = 10**16  # 0.01 ETH


def eth_session(create: Create) -> Awaitable[Any]:
    return create(amount=WEI, currency="eth", provider="alchemy")


def address_id(address: DepositAddress) -> str:
    return f"address:{address.network}:{address.address}"


async def pay_on_chain(ledger: Ledger, to: DepositAddress, wei: int = WEI) -> None:
    """Alchemy's signed ADDRESS_ACTIVITY webhook for a transfer to ``to``, verified and
    normalized by ingress and handled by the ledger, as its consumer would."""
    body = json.dumps(
        {
            "webhookId": "wh_paywire_test",
            "id": "whevt_" + secrets.token_hex(8),
            "createdAt": "2024-12-03T12:00:00.000Z",
            "type": "ADDRESS_ACTIVITY",
            "event": {
                "network": to.network,
                "activity": [
                    {
                        "fromAddress": "0x" + "1" * 40,
                        "toAddress": to.address.upper().replace("0X", "0x"),
                        "blockNum": "0x6b0f01",
                        "hash": "0x" + secrets.token_hex(32),
                        "value": 0.01,
                        "asset": "ETH",
                        "category": "external",
                        "rawContract": {"rawValue": hex(wei), "decimals": 18, "address": None},
                    }
                ],
            },
        }
    ).encode()
    signature = hmac.new(SIGNING_KEY.encode(), body, hashlib.sha256).hexdigest()
    request = WebhookRequest(body, {"x-alchemy-signature": signature})
    provider = AlchemyProvider([SIGNING_KEY])
    provider.verify(request)
    event = to_cloud_event(provider.read_event(request), "corr_alchemy_test")
    await on_provider_event(event, ledger.sessions)


async def test_a_session_gets_a_deposit_address_of_the_pool(
    create: Create, read: Read, pool: list[DepositAddress]
) -> None:
    """The checkout names the network, the address, the asset and the amount in ETH, and
    the address is recorded as the session's provider payment id."""
    response = await eth_session(create)
    created = response.json()
    attempts = [a["provider_payment_id"] for a in (await read(created["id"]))["attempts"]]
    assert (response.status_code, created["checkout"], attempts) == (
        201,
        {
            "type": "crypto_deposit",
            "network": "ETH_SEPOLIA",
            "address": pool[0].address,
            "asset": "ETH",
            "amount": "0.01",
        },
        [address_id(pool[0])],
    )


async def test_open_sessions_never_share_an_address_and_the_pool_runs_out(
    create: Create, pool: list[DepositAddress]
) -> None:
    """Two sessions created together hold the two addresses; a third gets 503
    ``no_deposit_address`` (never a 500) and is not created."""
    first, second = await asyncio.gather(eth_session(create), eth_session(create))
    third = await eth_session(create)
    held = {first.json()["checkout"]["address"], second.json()["checkout"]["address"]}
    assert (first.status_code, second.status_code, held) == (201, 201, {a.address for a in pool})
    assert (third.status_code, third.json()) == (
        503,
        {
            "error": {
                "code": "no_deposit_address",
                "message": "every deposit address for ETH is held by an open session; retry later",
                "details": {"provider": "alchemy", "currency": "ETH"},
            }
        },
    )


async def test_a_currency_no_pool_network_takes_is_refused(create: Create) -> None:
    """BTC cannot be paid to an ETH_SEPOLIA address: 422 ``unsupported_currency``."""
    response = await create(amount=100, currency="btc", provider="alchemy")
    assert (response.status_code, response.json()["error"]["code"]) == (
        422,
        "unsupported_currency",
    )


async def test_a_transfer_to_the_address_pays_the_session_and_frees_the_address(
    create: Create, read: Read, provider_ledger: Ledger, pool: list[DepositAddress]
) -> None:
    """Alchemy's webhook matches the session by its address (whatever its letter case);
    the paid session lets go of the address, which the next session gets."""
    paid = (await eth_session(create)).json()
    waiting = (await eth_session(create)).json()
    await pay_on_chain(provider_ledger, pool[0])
    after = (await eth_session(create)).json()
    assert (
        (await read(paid["id"]))["status"],
        (await read(waiting["id"]))["status"],
        after["checkout"]["address"],
    ) == ("paid", "created", pool[0].address)


async def test_a_reused_address_matches_its_new_session(
    create: Create, read: Read, provider_ledger: Ledger, pool: list[DepositAddress]
) -> None:
    """Once an address moves to a new session, its provider payment id moves with it: the
    next transfer pays the new session."""
    first = (await eth_session(create)).json()
    await eth_session(create)
    await pay_on_chain(provider_ledger, pool[0])
    second = (await eth_session(create)).json()
    await pay_on_chain(provider_ledger, pool[0])
    first_ids = [a["provider_payment_id"] for a in (await read(first["id"]))["attempts"]]
    found = await read(second["id"])
    second_ids = [a["provider_payment_id"] for a in found["attempts"]]
    assert (found["status"], first_ids, second_ids) == ("paid", [], [address_id(pool[0])])


async def test_an_expired_session_lets_go_of_its_address(
    create: Create, provider_ledger: Ledger, pool: list[DepositAddress]
) -> None:
    """Expiry ends the hold: the address goes to the next session."""
    expiring = (await eth_session(create)).json()
    await eth_session(create)
    async with provider_ledger.sessions.begin() as db:
        await db.execute(
            update(sessions)
            .where(sessions.c.id == expiring["id"])
            .values(expires_at=func.now() - timedelta(seconds=1))
        )
    await expire_due(provider_ledger.sessions, datetime.now(UTC), 100)
    after = await eth_session(create)
    assert (after.status_code, after.json()["checkout"]["address"]) == (201, pool[0].address)


async def test_checkouts_racing_for_the_last_address_get_it_once(
    provider_ledger: Ledger, pool: list[DepositAddress]
) -> None:
    """Of five concurrent allocations of one free address, exactly one holds it."""
    contenders = [new_session_id() for _ in range(5)]
    got = await asyncio.gather(
        *(deposit_addresses.allocate(provider_ledger.sessions, s, pool[:1]) for s in contenders)
    )
    assert sorted(got, key=lambda a: a is not None) == [None, None, None, None, pool[0]]


async def test_a_retried_checkout_keeps_its_address(
    provider_ledger: Ledger, pool: list[DepositAddress]
) -> None:
    """Allocating again for the same session answers the address it holds."""
    session_id = new_session_id()
    first = await deposit_addresses.allocate(provider_ledger.sessions, session_id, pool)
    again = await deposit_addresses.allocate(provider_ledger.sessions, session_id, pool)
    assert (first, again) == (pool[0], pool[0])


async def test_a_hold_whose_session_never_came_is_taken_back(
    provider_ledger: Ledger, pool: list[DepositAddress]
) -> None:
    """A hold without a session row, older than ``ABANDONED_AFTER``, is released for the
    next checkout; a recent one is left alone."""
    factory = provider_ledger.sessions
    abandoned, recent = new_session_id(), new_session_id()
    await deposit_addresses.allocate(factory, abandoned, pool[:1])
    await deposit_addresses.allocate(factory, recent, pool[1:])
    async with factory.begin() as db:
        await db.execute(
            update(holds)
            .where(holds.c.session_id == abandoned)
            .values(allocated_at=func.now() - deposit_addresses.ABANDONED_AFTER * 2)
        )
    taker = await deposit_addresses.allocate(factory, new_session_id(), pool)
    async with factory() as db:
        released = dict(
            (
                await db.execute(
                    select(holds.c.session_id, holds.c.released_at.is_not(None)).where(
                        holds.c.session_id.in_([abandoned, recent])
                    )
                )
            ).all()
        )
    assert (taker, released) == (pool[0], {abandoned: True, recent: False})
