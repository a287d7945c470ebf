"""Journal postings derived from session changes."""

from common.events import PaymentStatus
from common.money import Money
from ledger.domain import (
    CheckoutSession,
    EntryKind,
    JournalEntry,
    JournalLine,
    entries_for,
    is_balanced,
)

S = PaymentStatus
PRICE = Money(1000, "INR")
CLEARING = "provider_clearing:razorpay"
PAYABLE = "merchant_payable:mer_1"


def session(status: S, **fields: object) -> CheckoutSession:
    return CheckoutSession(id="ses_1", status=status, price=PRICE, **fields)  # type: ignore[arg-type]


def transfer(
    kind: EntryKind, amount: int, debit: str, credit: str, currency: str = "INR"
) -> JournalEntry:
    return JournalEntry(
        kind, (JournalLine(debit, currency, amount), JournalLine(credit, currency, -amount))
    )


def test_paying_posts_the_capture() -> None:
    """Paying debits the provider's clearing account and credits the merchant."""
    entries = entries_for(session(S.PENDING), session(S.PAID, captured=PRICE), "mer_1", "razorpay")
    assert entries == (transfer(EntryKind.CAPTURE, 1000, CLEARING, PAYABLE),)


def test_a_refund_posts_the_reversal_of_the_refunded_amount() -> None:
    """A refund reverses exactly the newly refunded amount."""
    before = session(S.PARTIALLY_REFUNDED, captured=PRICE, refunded=100)
    after = session(S.REFUNDED, captured=PRICE, refunded=1000)
    assert entries_for(before, after, "mer_1", "razorpay") == (
        transfer(EntryKind.REFUND, 900, PAYABLE, CLEARING),
    )


def test_a_refund_out_of_review_posts_the_capture_then_the_refund() -> None:
    """Refunding a mismatched payment records both the capture and its reversal."""
    captured = Money(1200, "EUR")
    before = session(S.REVIEW, captured=captured)
    after = session(S.REFUNDED, captured=captured, refunded=1200)
    assert entries_for(before, after, "mer_1", "razorpay") == (
        transfer(EntryKind.CAPTURE, 1200, CLEARING, PAYABLE, "EUR"),
        transfer(EntryKind.REFUND, 1200, PAYABLE, CLEARING, "EUR"),
    )


def test_a_lost_dispute_reverses_what_was_not_refunded() -> None:
    """A chargeback takes back the captured amount less earlier refunds."""
    before = session(S.DISPUTED, captured=PRICE, refunded=300)
    after = session(S.CHARGED_BACK, captured=PRICE, refunded=300)
    assert entries_for(before, after, "mer_1", "razorpay") == (
        transfer(EntryKind.CHARGEBACK, 700, PAYABLE, CLEARING),
    )


def test_nothing_is_posted_before_the_session_settles() -> None:
    """Review and failure post nothing."""
    review = session(S.REVIEW, captured=Money(999, "INR"))
    assert entries_for(session(S.PENDING), review, "mer_1", "razorpay") == ()


def test_balance_is_checked_per_currency() -> None:
    """Lines summing to zero across two currencies do not balance."""
    mixed = JournalEntry(
        EntryKind.CAPTURE, (JournalLine("a", "USD", 100), JournalLine("b", "EUR", -100))
    )
    assert (is_balanced(transfer(EntryKind.CAPTURE, 5, "a", "b")), is_balanced(mixed)) == (
        True,
        False,
    )
