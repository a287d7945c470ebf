"""Double-entry journal postings derived from a session's change.

Amounts are signed minor units: a debit is positive, a credit negative, so an entry
balances when its lines sum to zero in every currency (the database enforces the same
rule with a deferred constraint trigger). Accounts:

- ``provider_clearing:<provider>``: money the provider holds for paywire's merchants.
- ``merchant_payable:<merchant>``: money owed to the merchant.

A capture is posted when a session becomes settled (paid, or straight to refunded or
disputed from review); a refund or a lost dispute posts the reversing entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from common.events import PaymentStatus
from common.money import Money

from ledger.domain.session import CheckoutSession
from ledger.domain.states import SETTLED

__all__ = ["EntryKind", "JournalEntry", "JournalLine", "entries_for", "is_balanced"]


class EntryKind(StrEnum):
    """Why an entry was posted."""

    CAPTURE = "capture"
    REFUND = "refund"
    CHARGEBACK = "chargeback"


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One side of an entry: a positive ``amount`` debits ``account``, a negative credits it."""

    account: str
    currency: str
    amount: int


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced set of lines posted together."""

    kind: EntryKind
    lines: tuple[JournalLine, ...]


def is_balanced(entry: JournalEntry) -> bool:
    """True when the lines sum to zero in every currency."""
    totals: Counter[str] = Counter()
    for line in entry.lines:
        totals[line.currency] += line.amount
    return all(total == 0 for total in totals.values())


def entries_for(
    before: CheckoutSession, after: CheckoutSession, merchant_id: str, provider: str
) -> tuple[JournalEntry, ...]:
    """The entries that record the money moved between ``before`` and ``after``."""
    clearing = f"provider_clearing:{provider}"
    payable = f"merchant_payable:{merchant_id}"
    captured = after.captured
    if captured is None or after.status not in SETTLED:
        return ()
    entries: list[JournalEntry] = []
    if before.status not in SETTLED:
        entries.append(_transfer(EntryKind.CAPTURE, captured, debit=clearing, credit=payable))
    refunded = after.refunded - before.refunded
    if refunded > 0:
        money = Money(refunded, captured.currency)
        entries.append(_transfer(EntryKind.REFUND, money, debit=payable, credit=clearing))
    charged_back = captured.minor - after.refunded
    lost = after.status is PaymentStatus.CHARGED_BACK and before.status is not after.status
    if lost and charged_back > 0:
        money = Money(charged_back, captured.currency)
        entries.append(_transfer(EntryKind.CHARGEBACK, money, debit=payable, credit=clearing))
    return tuple(entries)


def _transfer(kind: EntryKind, money: Money, *, debit: str, credit: str) -> JournalEntry:
    return JournalEntry(
        kind,
        (
            JournalLine(debit, money.currency, money.minor),
            JournalLine(credit, money.currency, -money.minor),
        ),
    )
