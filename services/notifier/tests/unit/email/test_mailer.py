"""The mailer's decisions, with a fake store and a fake sender."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from notifier.email.mailer import Mailer, retry_delay
from notifier.email.render import EmailRenderer
from notifier.email.sender import DeliveryRefused
from notifier.email.store import ClaimedEmail
from structlog.testing import capture_logs

CONTEXT = {
    "session_id": "ses_1",
    "merchant_name": "Acme",
    "customer_name": None,
    "product": None,
    "amount": "1.00 USD",
}


class FakeStore:
    def __init__(self, emails: list[ClaimedEmail]) -> None:
        self.due = emails
        self.marks: list[tuple[object, ...]] = []

    async def claim_due(self, limit: int) -> list[ClaimedEmail]:
        claimed, self.due = self.due[:limit], self.due[limit:]
        return claimed

    async def mark_sent(self, email: ClaimedEmail) -> None:
        self.marks.append(("sent", email.id))

    async def mark_retry(self, email: ClaimedEmail, delay_seconds: float, error: str) -> None:
        self.marks.append(("retry", email.id, delay_seconds, error))

    async def mark_failed(self, email: ClaimedEmail, error: str) -> None:
        self.marks.append(("failed", email.id, error))


class FakeSender:
    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure
        self.sent: list[str] = []

    async def send(self, message: EmailMessage) -> None:
        if self.failure is not None:
            raise self.failure
        self.sent.append(str(message["Message-ID"]))


def _email(attempt: int = 1, resumed: bool = False) -> ClaimedEmail:
    return ClaimedEmail(1, "ses_1", "payment_failed", "a@b.c", CONTEXT, attempt, resumed)


def _mailer(store: FakeStore, sender: FakeSender) -> Mailer:
    return Mailer(store, EmailRenderer("r@pay.example"), sender, 5.0, 60.0)


@pytest.mark.parametrize(
    ("attempt", "delay"), [(1, 5.0), (2, 10.0), (3, 20.0), (4, 40.0), (5, 60.0), (30, 60.0)]
)
def test_retries_back_off_exponentially_up_to_the_cap(attempt, delay):
    """Each failed attempt doubles the wait, up to the maximum."""
    assert retry_delay(attempt, 5.0, 60.0) == delay


async def test_a_delivered_email_is_marked_sent():
    """An email the server accepts is marked sent."""
    store, sender = FakeStore([_email()]), FakeSender()

    assert await _mailer(store, sender).send_due() == 1
    assert (sender.sent, store.marks) == (["<payment_failed.ses_1@pay.example>"], [("sent", 1)])


async def test_a_transient_failure_is_retried_later():
    """An unreachable server schedules a retry after the backoff delay."""
    store = FakeStore([_email(attempt=3)])

    await _mailer(store, FakeSender(ConnectionRefusedError("refused"))).send_due()

    assert store.marks == [("retry", 1, 20.0, "ConnectionRefusedError: refused")]


async def test_a_permanent_refusal_stops_retrying():
    """A 5xx refusal marks the email failed."""
    store = FakeStore([_email()])

    await _mailer(store, FakeSender(DeliveryRefused("550 no such user"))).send_due()

    assert store.marks == [("failed", 1, "550 no such user")]


async def test_an_email_resumed_after_a_crash_is_sent_with_a_warning():
    """An email left in ``sending`` by a crash is sent again and flagged as a possible duplicate."""
    store, sender = FakeStore([_email(attempt=2, resumed=True)]), FakeSender()

    with capture_logs() as logs:
        await _mailer(store, sender).send_due()

    warnings = [entry for entry in logs if entry["log_level"] == "warning"]
    assert warnings == [
        {
            "event": "email_resent_after_interrupted_send",
            "log_level": "warning",
            "possible_duplicate": True,
            "email_id": 1,
            "session_id": "ses_1",
            "kind": "payment_failed",
        }
    ]
    assert store.marks == [("sent", 1)]
