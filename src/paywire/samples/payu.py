"""PayU sample callbacks, form-encoded and carrying PayU's reverse hash.

The events are named by PayU's own ``status`` values. Refunds have no sample: PayU's refund
webhooks carry no hash, and ingress refuses them.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from common.money import Money
from common.settings import Settings
from ingress.providers.payu import PayuProvider, reverse_hash_content

from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest

__all__ = ["PAYU_SAMPLES", "payu_hash"]

_IST = timezone(timedelta(hours=5, minutes=30))
_OUTCOMES = {
    "success": ("captured", "E000", "No Error"),
    "failure": ("failed", "E308", "Transaction declined by the bank"),
    "pending": ("pending", "E000", "Transaction is pending"),
}


def payu_hash(salt: str, fields: dict[str, str]) -> str:
    """The reverse hash PayU puts in ``hash`` for ``fields``, under ``salt``."""
    provider = PayuProvider([salt])
    return provider.sign(provider.signing_key(salt), reverse_hash_content(fields))


def _builder(status: str) -> SampleBuilder:
    unmapped, error, message = _OUTCOMES[status]

    def build(settings: Settings, session: SampleSession) -> SignedRequest:
        payu = settings.payu
        if not payu.salts or not payu.key:
            raise ValueError("PAYWIRE_PAYU__KEY and PAYWIRE_PAYU__SALTS must be configured")
        money = Money(session.amount, session.currency)
        if money.currency != "INR":
            raise ValueError(f"PayU charges INR; the session is in {money.currency}")
        fields = {
            "mihpayid": session.provider_payment_id or str(secrets.randbelow(10**17)),
            "mode": "UPI",
            "status": status,
            "unmappedstatus": unmapped,
            "key": payu.key,
            "txnid": f"pw{secrets.token_hex(10)}",
            "amount": f"{money.to_major():.2f}",
            "addedon": datetime.now(_IST).strftime("%Y-%m-%d %H:%M:%S"),
            "productinfo": "paywire sample",
            "firstname": "Asha",
            "email": "asha@example.com",
            "phone": "9999999999",
            **{f"udf{i}": "" for i in range(1, 11)},
            "udf1": session.id,
            "error": error,
            "error_Message": message,
            "PG_TYPE": "UPI-PG",
            "bank_ref_num": str(secrets.randbelow(10**12)),
        }
        fields["hash"] = payu_hash(payu.salts[0].get_secret_value(), fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return SignedRequest("/webhooks/payu", urlencode(fields).encode(), headers)

    return build


PAYU_SAMPLES: dict[str, SampleBuilder] = {status: _builder(status) for status in _OUTCOMES}
