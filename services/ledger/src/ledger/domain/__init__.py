"""The ledger's pure core: the payment state machine and the journal. No I/O here."""

from ledger.domain.journal import EntryKind, JournalEntry, JournalLine, entries_for, is_balanced
from ledger.domain.refunds import PendingRefund, RefundRecorded, RefundRefused, RefundReleased
from ledger.domain.session import CheckoutSession, DomainEvent, Outcome, StatusChanged
from ledger.domain.states import SETTLED, Trigger
from ledger.domain.transitions import TRANSITIONS, IllegalTransition, transition

__all__ = [
    "SETTLED",
    "TRANSITIONS",
    "CheckoutSession",
    "DomainEvent",
    "EntryKind",
    "IllegalTransition",
    "JournalEntry",
    "JournalLine",
    "Outcome",
    "PendingRefund",
    "RefundRecorded",
    "RefundRefused",
    "RefundReleased",
    "StatusChanged",
    "Trigger",
    "entries_for",
    "is_balanced",
    "transition",
]
