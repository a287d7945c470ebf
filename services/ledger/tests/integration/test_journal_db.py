"""The database itself keeps the journal balanced and append-only."""

import pytest
from ledger.tables import journal_entries, journal_lines
from sqlalchemy import insert, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import SessionMaker

pytestmark = pytest.mark.integration


async def post(
    db: async_sessionmaker[AsyncSession], session_id: str, lines: list[tuple[str, str, int]]
) -> None:
    async with db.begin() as conn:
        entry_id = await conn.scalar(
            insert(journal_entries)
            .values(session_id=session_id, kind="capture")
            .returning(journal_entries.c.id)
        )
        for account, currency, amount in lines:
            await conn.execute(
                insert(journal_lines).values(
                    entry_id=entry_id, account=account, currency=currency, amount=amount
                )
            )


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([("a", "USD", 100), ("b", "USD", -99)], "does not balance in USD"),
        ([("a", "USD", 100), ("b", "EUR", -100)], "does not balance in"),
        ([], "has no lines"),
    ],
    ids=["short", "mixed-currency", "empty"],
)
async def test_the_database_refuses_an_unbalanced_entry(
    db: async_sessionmaker[AsyncSession],
    new_session: SessionMaker,
    lines: list[tuple[str, str, int]],
    message: str,
) -> None:
    """An entry whose lines do not sum to zero per currency fails at commit."""
    session = await new_session()
    with pytest.raises(DBAPIError, match=message):
        await post(db, session["id"], lines)


async def test_a_balanced_entry_commits_and_is_then_immutable(
    db: async_sessionmaker[AsyncSession], new_session: SessionMaker
) -> None:
    """A balanced entry commits; changing a posted line afterwards is refused."""
    session = await new_session()
    await post(db, session["id"], [("a", "USD", 100), ("b", "USD", -100)])
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.begin() as conn:
            await conn.execute(update(journal_lines).values(amount=1))
