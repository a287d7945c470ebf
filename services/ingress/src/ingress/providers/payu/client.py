"""PayU India: the hosted checkout's signed form, and the merchant API's commands.

- **Hosted checkout** makes no API call: the customer's browser posts a form to
  ``{checkout_base}/_payment``, signed with the forward hash, hex SHA-512 of
  ``key|txnid|amount|productinfo|firstname|email|udf1|udf2|udf3|udf4|udf5||||||SALT``.
- **Commands** are form posts to ``{api_base}/merchant/postservice.php?form=2`` of ``key``,
  ``command``, ``var1``.. and ``hash``, hex SHA-512 of ``key|command|var1|SALT``:
  ``verify_payment`` (``var1`` = txnid) and ``cancel_refund_transaction`` (``var1`` =
  mihpayid, ``var2`` = a token unique per refund, ``var3`` = rupees). PayU answers 200 with
  ``status`` 1 (done) or 0 (refused) in a JSON body.

The first configured salt signs. Both commands are retried: verifying only reads, and PayU
refuses a second refund under the same token (``error_code`` 106), which ``refund`` returns
as the answer it is: that refund was already accepted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import httpx
from common.events import ProviderEvent
from common.money import Money
from common.provider_settings import PayuSettings

from ingress.providers.http import (
    ApiReply,
    HttpPolicy,
    ProviderApi,
    ProviderApiError,
    read_model,
    reading,
)
from ingress.providers.payu.resources import (
    REFUND_TOKEN_EXISTS,
    RefundAnswer,
    Transaction,
    VerifyAnswer,
)
from ingress.providers.payu.status import transaction_status_event

__all__ = ["FORWARD_HASH_FIELDS", "CheckoutForm", "PayuClient", "api_hash", "forward_hash"]

COMMANDS_PATH = "/merchant/postservice.php?form=2"
FORWARD_HASH_FIELDS = ("key", "txnid", "amount", "productinfo", "firstname", "email")
"""The fields the forward hash covers before ``udf1``..``udf5``, in order."""
_UDFS = ("udf1", "udf2", "udf3", "udf4", "udf5")
_NOT_FOUND = "Not Found"


def forward_hash(fields: Mapping[str, str], salt: str) -> str:
    """The ``hash`` of a ``_payment`` form with ``fields`` (``udf6``..``udf10`` left empty)."""
    values = [fields.get(name, "") for name in (*FORWARD_HASH_FIELDS, *_UDFS)]
    return _sha512("|".join([*values, "", "", "", "", "", salt]))


def api_hash(key: str, command: str, var1: str, salt: str) -> str:
    """The ``hash`` of a merchant API command."""
    return _sha512(f"{key}|{command}|{var1}|{salt}")


@dataclass(frozen=True, slots=True)
class CheckoutForm:
    """What the customer's browser posts to start paying: ``fields`` to ``action``."""

    action: str
    fields: dict[str, str]


class PayuClient:
    """The PayU calls paywire makes: the checkout form, verify_payment, refunds."""

    def __init__(self, api: ProviderApi, key: str, salt: str, checkout_base: str) -> None:
        self._api = api
        self._key = key
        self._salt = salt
        self._action = checkout_base.rstrip("/") + "/_payment"

    @classmethod
    def from_settings(
        cls, settings: PayuSettings, http: httpx.AsyncClient, policy: HttpPolicy | None = None
    ) -> Self | None:
        """A client for ``PAYWIRE_PAYU__KEY`` and the first of ``__SALTS``; None without."""
        if not settings.key or not settings.salts:
            return None
        salt = settings.salts[0].get_secret_value()
        if not salt:
            return None
        api = ProviderApi("payu", http, settings.api_base, parse_error=_no_error, policy=policy)
        return cls(api, settings.key, salt, settings.checkout_base)

    def checkout_form(
        self,
        *,
        txnid: str,
        amount: Money,
        productinfo: str,
        firstname: str,
        email: str,
        phone: str,
        surl: str,
        furl: str,
        udf1: str,
    ) -> CheckoutForm:
        """The signed ``_payment`` form for ``amount`` (rupees, as PayU wants them)."""
        fields = {
            "key": self._key,
            "txnid": txnid,
            "amount": rupees(amount),
            "productinfo": productinfo,
            "firstname": firstname,
            "email": email,
            "phone": phone,
            "surl": surl,
            "furl": furl,
            "udf1": udf1,
        }
        return CheckoutForm(self._action, fields | {"hash": forward_hash(fields, self._salt)})

    async def transaction(self, txnid: str) -> Transaction | None:
        """``verify_payment`` of ``txnid``: the transaction, or None if PayU does not know it."""
        found, _ = await self._verify(txnid)
        return found

    async def payment_status(self, txnid: str) -> ProviderEvent | None:
        """``verify_payment`` of ``txnid``, read as an ``api_confirmed`` event."""
        found, reply = await self._verify(txnid)
        if found is None:
            return None
        with reading("PayU", "transaction"):
            return transaction_status_event(found, reply.raw)

    async def refund(self, *, mihpayid: str, token: str, amount: Money) -> RefundAnswer:
        """``cancel_refund_transaction`` of ``amount`` of payment ``mihpayid``; ``token``
        names the refund, so asking again refunds once."""
        reply = await self._command("cancel_refund_transaction", mihpayid, token, rupees(amount))
        answer = read_model("PayU", RefundAnswer, reply)
        if answer.status != 1 and answer.error_code != REFUND_TOKEN_EXISTS:
            raise _refusal(answer.msg, answer.error_code)
        return answer

    async def _verify(self, txnid: str) -> tuple[Transaction | None, ApiReply]:
        reply = await self._command("verify_payment", txnid)
        answer = read_model("PayU", VerifyAnswer, reply)
        found = answer.transaction_details.get(txnid)
        if found is not None and found.status == _NOT_FOUND:
            return None, reply
        if answer.status != 1 or found is None:
            raise _refusal(answer.msg, None)
        return found, reply

    async def _command(self, command: str, var1: str, *more: str) -> ApiReply:
        form = {
            "key": self._key,
            "command": command,
            "var1": var1,
            **{f"var{n}": value for n, value in enumerate(more, start=2)},
            "hash": api_hash(self._key, command, var1, self._salt),
        }
        return await self._api.call("POST", COMMANDS_PATH, repeatable=True, form=form)


def rupees(amount: Money) -> str:
    """``amount`` as PayU writes it: a decimal rupee string such as ``499.00``."""
    if amount.currency != "INR":
        raise ValueError(f"PayU takes INR, not {amount.currency}")
    return str(amount.to_major())


def _sha512(text: str) -> str:
    return hashlib.sha512(text.encode()).hexdigest()


def _no_error(_: Any) -> tuple[str | None, str | None]:
    """PayU's errors are 200 answers with ``status`` 0; another status carries no code."""
    return None, None


def _refusal(message: str, error_code: int | None) -> ProviderApiError:
    if "hash" in message.lower():
        return ProviderApiError(
            "provider_authentication_failed", "PayU refused paywire's key or hash"
        )
    code = f"payu_error_{error_code}" if error_code is not None else "payu_refused"
    return ProviderApiError(code, message or "PayU refused the request")
