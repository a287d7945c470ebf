"""Which event sends which email."""

from __future__ import annotations

from common.events import PaymentStatus
from notifier.email.kinds import EmailKind, EmailRequest, email_for

SESSION = "ses_01JABCDEFGHJKMNPQRSTVWXYZ0"
COMMON = {
    "session_id": SESSION,
    "merchant_name": "Acme <Tools>",
    "customer_name": "Asha",
    "product": "Pro plan",
    "amount": "499.00 INR",
}


def test_fulfillment_sends_the_receipt(issued):
    """A fulfilled session gets a receipt with its invoice number and access link."""
    assert email_for(issued()) == EmailRequest(
        SESSION,
        EmailKind.RECEIPT,
        "asha@example.com",
        COMMON
        | {
            "invoice_number": "ACME-000042",
            "access_url": "https://pay.test/v1/access/eyJ.a.b",
            "access_expires": "2026-01-09",
        },
    )


def test_a_failed_payment_sends_the_failure_notice(payment):
    """A failed payment gets the failure notice."""
    assert email_for(payment(PaymentStatus.FAILED)) == EmailRequest(
        SESSION, EmailKind.PAYMENT_FAILED, "asha@example.com", COMMON
    )


def test_a_refund_sends_the_refund_notice_with_the_refunded_amount(payment):
    """A refunded payment gets the refund notice with the amount refunded."""
    event = payment(PaymentStatus.REFUNDED, amount_refunded=49900)

    assert email_for(event) == EmailRequest(
        SESSION, EmailKind.REFUND, "asha@example.com", COMMON | {"refunded": "499.00 INR"}
    )


def test_a_customer_without_email_gets_a_request_without_recipient(payment):
    """Without a customer email the request has no recipient (recorded as skipped)."""
    event = payment(PaymentStatus.FAILED, customer={"name": "Asha"})

    assert email_for(event) == EmailRequest(SESSION, EmailKind.PAYMENT_FAILED, None, COMMON)


def test_other_payment_changes_send_nothing(payment):
    """Paid (the receipt waits for fulfillment), pending and partial refunds send nothing."""
    statuses = [PaymentStatus.PAID, PaymentStatus.PENDING, PaymentStatus.PARTIALLY_REFUNDED]

    assert [email_for(payment(status)) for status in statuses] == [None, None, None]
