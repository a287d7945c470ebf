from datetime import UTC, datetime

from common.events import PaymentEvent
from fulfillment.tokens import TOKEN_LIFETIME, AccessClaims, access_claims

ISSUED = datetime(2026, 3, 1, 12, 0, 0, 750_000, tzinfo=UTC)


def payment(customer: dict[str, str]) -> PaymentEvent:
    return PaymentEvent.model_validate(
        {
            "session_id": "ses_01JABCDEFGHJKMNPQRSTVWXYZ0",
            "merchant_id": "mer_01JABCDEFGHJKMNPQRSTVWXYZ0",
            "merchant_name": "Acme",
            "status": "paid",
            "previous_status": "pending",
            "amount": 1000,
            "currency": "JPY",
            "provider": "stripe",
            "customer": customer,
            "product": "Pro plan",
            "occurred_at": ISSUED,
        }
    )


def test_the_claims_name_merchant_customer_session_and_product() -> None:
    """aud is the merchant, sub the customer, sid the session; the token lasts 7 days."""
    claims = access_claims(
        payment({"id": "cus_42", "email": "asha@example.com"}),
        jti="tok_1",
        issuer="https://pay.example",
        issued_at=ISSUED,
    )
    assert claims.to_payload() == {
        "iss": "https://pay.example",
        "aud": "mer_01JABCDEFGHJKMNPQRSTVWXYZ0",
        "sub": "cus_42",
        "sid": "ses_01JABCDEFGHJKMNPQRSTVWXYZ0",
        "product": "Pro plan",
        "jti": "tok_1",
        "iat": 1772366400,
        "exp": 1772366400 + int(TOKEN_LIFETIME.total_seconds()),
    }


def test_the_subject_falls_back_to_email_then_session() -> None:
    """Without a customer id the subject is the email, without either the session id."""
    subjects = [
        access_claims(payment(c), jti="t", issuer="i", issued_at=ISSUED).subject
        for c in ({"email": "asha@example.com"}, {})
    ]
    assert subjects == ["asha@example.com", "ses_01JABCDEFGHJKMNPQRSTVWXYZ0"]


def test_claims_survive_a_payload_round_trip() -> None:
    """Reading a payload back gives the same claims."""
    claims = access_claims(payment({"id": "cus_42"}), jti="t", issuer="i", issued_at=ISSUED)
    assert AccessClaims.from_payload(claims.to_payload()) == claims
