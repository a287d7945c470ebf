"""Property test: any order of deliveries, redeliveries, merchant accepts and refund
requests keeps the state machine's invariants."""

import contextlib
import dataclasses
from collections import Counter

from common.events import PaymentStatus, ProviderEvent, ProviderEventKind, VerifiedBy
from common.money import Money
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from ledger.domain import (
    SETTLED,
    CheckoutSession,
    IllegalTransition,
    JournalEntry,
    Outcome,
    RefundRefused,
    entries_for,
    is_balanced,
)

PRICE = Money(1000, "USD")
CLEARING = "provider_clearing:stripe"

provider_events = st.builds(
    ProviderEvent,
    provider=st.just("stripe"),
    provider_event_id=st.sampled_from(["e1", "e2", "e3", "e4", "e5"]),
    provider_event_type=st.just("test"),
    kind=st.sampled_from(ProviderEventKind),
    verified_by=st.sampled_from(VerifiedBy),
    amount=st.sampled_from([None, 0, 100, 400, 999, 1000, 1001]),
    currency=st.sampled_from([None, "USD", "usd", "EUR"]),
    refund_id=st.sampled_from([None, "re_1", "re_2", "re_3"]),
    refunded_total=st.sampled_from([None, 100, 500, 1000, 1200]),
)


class SessionLifecycle(RuleBasedStateMachine):
    """One session receiving events in any order, some of them more than once."""

    def __init__(self) -> None:
        super().__init__()
        self.session = CheckoutSession(id="ses_1", status=PaymentStatus.CREATED, price=PRICE)
        self.delivered: list[ProviderEvent] = []
        self.entries: list[JournalEntry] = []
        self.was_settled = False
        self.requests = 0

    def _record(self, outcome: Outcome) -> None:
        self.entries.extend(entries_for(self.session, outcome.session, "mer_1", "stripe"))
        self.session = outcome.session

    def _deliver(self, event: ProviderEvent) -> None:
        try:
            outcome = self.session.apply(event)
        except IllegalTransition:
            return
        self._record(outcome)

    @rule(event=provider_events)
    def deliver(self, event: ProviderEvent) -> None:
        self.delivered.append(event)
        self._deliver(event)

    @precondition(lambda self: bool(self.delivered))
    @rule(data=st.data())
    def redeliver(self, data: st.DataObject) -> None:
        self._deliver(data.draw(st.sampled_from(self.delivered)))

    @rule()
    def merchant_accepts(self) -> None:
        with contextlib.suppress(IllegalTransition):
            self._record(self.session.accept())

    @rule(
        amount=st.sampled_from([None, 100, 400, 1000]),
        provider_refund_id=st.sampled_from([None, "re_1", "re_2", "re_3"]),
    )
    def merchant_requests_refund(self, amount: int | None, provider_refund_id: str | None) -> None:
        self.requests += 1
        refund_id = f"rfd_{self.requests}"
        with contextlib.suppress(RefundRefused):
            pending = self.session.reserve_refund(refund_id, amount)
            pending = dataclasses.replace(pending, provider_refund_id=provider_refund_id)
            requested = (*self.session.pending_refunds, pending)
            self.session = dataclasses.replace(self.session, pending_refunds=requested)

    @invariant()
    def requested_and_recorded_refunds_stay_within_the_capture(self) -> None:
        assert self.session.refundable >= 0
        assert all(p.amount > 0 for p in self.session.pending_refunds)

    @invariant()
    def paid_never_goes_back(self) -> None:
        settled = self.session.status in SETTLED
        assert settled or not self.was_settled
        self.was_settled = settled

    @invariant()
    def refunds_stay_within_the_capture(self) -> None:
        captured = self.session.captured.minor if self.session.captured else 0
        assert 0 <= self.session.refunded <= captured

    @invariant()
    def the_journal_balances_and_matches_the_session(self) -> None:
        assert all(is_balanced(entry) for entry in self.entries)
        clearing: Counter[str] = Counter()
        for entry in self.entries:
            for line in entry.lines:
                if line.account == CLEARING:
                    clearing[line.currency] += line.amount
        expected: Counter[str] = Counter()
        captured = self.session.captured
        if self.session.status in SETTLED - {PaymentStatus.CHARGED_BACK} and captured:
            expected[captured.currency] = captured.minor - self.session.refunded
        assert +clearing == +expected


TestSessionLifecycle = SessionLifecycle.TestCase
TestSessionLifecycle.settings = settings(max_examples=300, stateful_step_count=30, deadline=None)
