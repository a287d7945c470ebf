"""Customer email end to end: RabbitMQ in, Postgres rows, a real SMTP server out."""

from __future__ import annotations

import asyncio

import pytest
from common.ids import new_session_id

pytestmark = pytest.mark.integration

SETTLE_SECONDS = 1.0


async def _email_row(db, session_id: str, kind: str) -> dict[str, object] | None:
    row = await db.fetchrow(
        "SELECT status, attempts, recipient, last_error IS NOT NULL AS had_error"
        " FROM notifier.emails WHERE session_id = $1 AND kind = $2",
        session_id,
        kind,
    )
    return None if row is None else dict(row)


async def _one_email(smtp, session_id: str, wait_until):
    await wait_until(lambda: smtp.mailbox.for_session(session_id), "mailed")
    await asyncio.sleep(SETTLE_SECONDS)
    [message] = smtp.mailbox.for_session(session_id)
    return message


def _summary(message) -> dict[str, object]:
    return {
        "Subject": str(message["Subject"]),
        "To": str(message["To"]),
        "From": str(message["From"]),
        "Message-ID": str(message["Message-ID"]),
        "Content-Type": message.get_content_type(),
        "parts": [part.get_content_type() for part in message.iter_parts()],
    }


def _text(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


async def test_a_paid_session_gets_one_receipt_with_link_and_invoice(
    start_notifier, smtp, upstreams, events, db, wait_until
):
    """A paid and fulfilled session gets exactly one receipt, in HTML and text."""
    await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    access_url = "http://pay.test/v1/access/eyJhbGciOi.eyJzaWQiOi.c2lnbmF0dXJl"
    await events.publish(events.payment(session_id, merchant_id, "paid"))
    await events.publish(events.issued(session_id, merchant_id, access_url))

    receipt = await _one_email(smtp, session_id, wait_until)

    assert _summary(receipt) == {
        "Subject": "Your receipt from Acme Tools (ACME-000042)",
        "To": "customer@example.com",
        "From": "paywire <receipts@paywire.local>",
        "Message-ID": f"<receipt.{session_id}@paywire.local>",
        "Content-Type": "multipart/alternative",
        "parts": ["text/plain", "text/html"],
    }
    assert _text(receipt) == (
        "Hello Asha,\n\n"
        "Thank you for your payment of 499.00 INR to Acme Tools for Pro plan.\n\n"
        "Invoice number: ACME-000042\n\n"
        "View your invoice and access:\n"
        f"{access_url}\n\n"
        "The link is valid until 2026-01-09. Keep it private: it opens your purchase.\n\n"
        f"Sent by paywire on behalf of Acme Tools. Reference: {session_id}.\n"
    )
    html = _html(receipt)
    assert (html.count(f'href="{access_url}"'), html.count("<strong>ACME-000042</strong>")) == (
        2,
        1,
    )
    assert await _email_row(db, session_id, "receipt") == {
        "status": "sent",
        "attempts": 1,
        "recipient": "customer@example.com",
        "had_error": False,
    }


async def test_concurrent_redeliveries_still_send_one_receipt(
    start_notifier, smtp, upstreams, events, db, wait_until
):
    """The same events delivered 20 times at once, to two instances, send one receipt."""
    await start_notifier(smtp_port=smtp.port)
    await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    issued = events.issued(session_id, merchant_id, "http://pay.test/v1/access/t")
    reissued = [
        events.issued(session_id, merchant_id, "http://pay.test/v1/access/t") for _ in range(3)
    ]

    await asyncio.gather(*(events.publish(issued) for _ in range(20)))
    await asyncio.gather(*(events.publish(event) for event in reissued))
    receipt = await _one_email(smtp, session_id, wait_until)

    consumed = await db.fetchval(
        "SELECT count(*) FROM notifier.inbox WHERE event_id = ANY($1::text[])",
        [issued.id, *(event.id for event in reissued)],
    )
    assert (str(receipt["Message-ID"]), consumed) == (f"<receipt.{session_id}@paywire.local>", 4)
    assert await _email_row(db, session_id, "receipt") == {
        "status": "sent",
        "attempts": 1,
        "recipient": "customer@example.com",
        "had_error": False,
    }


async def test_a_failed_payment_sends_one_failure_notice(
    start_notifier, smtp, upstreams, events, wait_until
):
    """A failed payment sends one notice saying the payment did not go through."""
    await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    failed = events.payment(session_id, merchant_id, "failed")
    await events.publish(failed)
    await events.publish(failed)

    notice = await _one_email(smtp, session_id, wait_until)

    assert _summary(notice) == {
        "Subject": "Your payment to Acme Tools did not go through",
        "To": "customer@example.com",
        "From": "paywire <receipts@paywire.local>",
        "Message-ID": f"<payment_failed.{session_id}@paywire.local>",
        "Content-Type": "multipart/alternative",
        "parts": ["text/plain", "text/html"],
    }


async def test_a_refund_sends_one_refund_notice(
    start_notifier, smtp, upstreams, events, wait_until
):
    """A refunded payment sends one notice with the refunded amount."""
    await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    refunded = events.payment(
        session_id, merchant_id, "refunded", previous_status="paid", amount_refunded=49900
    )
    await events.publish(refunded)

    notice = await _one_email(smtp, session_id, wait_until)

    assert (_summary(notice)["Subject"], _summary(notice)["Message-ID"]) == (
        "Your refund from Acme Tools",
        f"<refund.{session_id}@paywire.local>",
    )
    assert _text(notice).splitlines()[2] == (
        "Acme Tools has refunded 499.00 INR of your payment of 499.00 INR for Pro plan."
    )


async def test_a_customer_without_email_is_recorded_as_skipped(
    start_notifier, smtp, upstreams, events, db, wait_until
):
    """A failed payment without a customer email sends nothing and records the email as skipped."""
    await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    await events.publish(events.payment(session_id, merchant_id, "failed", email_address=None))

    await wait_until(lambda: _email_row(db, session_id, "payment_failed"), "recorded")
    await asyncio.sleep(SETTLE_SECONDS)

    assert await _email_row(db, session_id, "payment_failed") == {
        "status": "skipped",
        "attempts": 0,
        "recipient": None,
        "had_error": False,
    }
    assert smtp.mailbox.for_session(session_id) == []


async def test_an_email_waits_for_smtp_to_come_up_and_is_sent_once(
    start_notifier, smtp_not_started, upstreams, events, db, wait_until
):
    """With SMTP down the email is retried with backoff and sent once the server is up."""
    await start_notifier(smtp_port=smtp_not_started.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    await events.publish(events.payment(session_id, merchant_id, "failed"))

    async def retried() -> bool:
        row = await _email_row(db, session_id, "payment_failed")
        return row is not None and row["attempts"] >= 2 and row["status"] == "pending"

    await wait_until(retried, "retried")
    smtp_not_started.start()
    notice = await _one_email(smtp_not_started, session_id, wait_until)

    row = await _email_row(db, session_id, "payment_failed")
    assert str(notice["Message-ID"]) == f"<payment_failed.{session_id}@paywire.local>"
    assert (row["status"], row["attempts"] >= 3) == ("sent", True)
