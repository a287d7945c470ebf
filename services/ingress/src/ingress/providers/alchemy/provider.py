"""Alchemy Notify: ``X-Alchemy-Signature``, the hex HMAC-SHA256 of the raw body.

Keyed with the webhook's signing key (each Alchemy webhook has its own; several are
accepted). The scheme has no timestamp, so replays are caught by deduplication alone: the
event id is the delivery's ``id``, kept by the ledger's inbox.

Matching by deposit address: a transfer names no paywire session, only the address it
paid. The event therefore has no ``session_ref``; its ``provider_payment_ids`` hold
``address:<network>:<to address, lower-cased>`` (``deposit_address_id``), e.g.
``address:ETH_MAINNET:0xbe3f...``, and the ledger matches it against the provider payment
ids it recorded for a session, so checkout records each session's deposit address under
that same id. Ingress does not know which addresses are deposit addresses: every accepted
transfer is reported as a payment to its ``toAddress``, and a transfer out of a deposit
address (a sweep) matches no session and changes nothing.

A delivery may batch several activities (a block's transfers to the watched addresses),
but a ``ProviderEvent`` describes one payment: the first accepted transfer is normalized
(a fungible transfer of an accepted asset, not removed by a reorganization, of a non-zero
amount) and any others are not. They stay in the raw body, which the ledger keeps in its
webhook log. A delivery with no accepted transfer is ignored.
"""

from __future__ import annotations

from typing import Any, Self, assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money
from common.settings import Settings

from ingress.providers.alchemy.schemas import (
    FUNGIBLE_CATEGORIES,
    NATIVE_ASSETS,
    TOKENS,
    Activity,
    AddressActivity,
    AlchemyWebhook,
    AlchemyWebhookType,
)
from ingress.providers.base import Provider, SignedContent
from ingress.providers.request import WebhookRequest

__all__ = ["AlchemyProvider", "deposit_address_id"]

Kind = ProviderEventKind


def deposit_address_id(network: str, address: str) -> str:
    """The provider payment id under which a session's deposit address is matched."""
    return f"address:{network}:{address.lower()}"


class AlchemyProvider(Provider):
    """Alchemy Notify webhooks: incoming transfers to deposit addresses."""

    name = "alchemy"
    signature_headers = ("X-Alchemy-Signature",)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """Signing keys from ``PAYWIRE_ALCHEMY__SIGNING_KEYS``."""
        return cls([key.get_secret_value() for key in settings.alchemy.signing_keys])

    def signed_content(self, request: WebhookRequest) -> SignedContent:
        """The raw body, with the one signature of ``X-Alchemy-Signature``."""
        return SignedContent(
            message=request.body, signatures=(request.header("X-Alchemy-Signature") or "",)
        )

    def normalize(self, payload: Any, raw: RawBody) -> ProviderEvent:
        """Map an Alchemy delivery onto paywire's event kinds."""
        webhook = AlchemyWebhook.model_validate(payload)
        try:
            webhook_type = AlchemyWebhookType(webhook.type)
        except ValueError:
            return self._event(webhook, Kind.IGNORED, raw)
        match webhook_type:
            case AlchemyWebhookType.ADDRESS_ACTIVITY:
                return self._address_activity(webhook, raw)
            case _:
                assert_never(webhook_type)

    def _address_activity(self, webhook: AlchemyWebhook, raw: RawBody) -> ProviderEvent:
        event = AddressActivity.model_validate(webhook.event)
        for activity in event.activity:
            amount = _accepted_amount(event.network, activity)
            if amount is not None and activity.to_address is not None:
                return self._event(
                    webhook,
                    Kind.PAYMENT_SUCCEEDED,
                    raw,
                    payment_ids=(deposit_address_id(event.network, activity.to_address),),
                    amount=amount,
                )
        return self._event(webhook, Kind.IGNORED, raw)

    def _event(
        self,
        webhook: AlchemyWebhook,
        kind: Kind,
        raw: RawBody,
        *,
        payment_ids: tuple[str, ...] = (),
        amount: Money | None = None,
    ) -> ProviderEvent:
        return ProviderEvent(
            provider=self.name,
            provider_event_id=webhook.id,
            provider_event_type=webhook.type,
            kind=kind,
            verified_by=VerifiedBy.SIGNATURE,
            provider_payment_ids=payment_ids,
            amount=amount.minor if amount else None,
            currency=amount.currency if amount else None,
            occurred_at=webhook.created_at,
            raw=raw,
        )


def _accepted_amount(network: str, activity: Activity) -> Money | None:
    """The exact amount of a transfer paywire accepts, or None for any other activity."""
    contract = activity.raw_contract
    if (
        activity.category not in FUNGIBLE_CATEGORIES
        or activity.erc721_token_id is not None
        or activity.erc1155_metadata is not None
        or (activity.log is not None and activity.log.removed)
        or contract is None
        or contract.raw_value is None
        or contract.decimals is None
    ):
        return None
    if activity.category == "token":
        currency = TOKENS.get((network, (contract.address or "").lower()))
    elif activity.asset in NATIVE_ASSETS.get(network, frozenset()):
        currency = activity.asset
    else:
        currency = None
    if currency is None:
        return None
    amount = Money.from_raw(contract.raw_value, contract.decimals, currency)
    return amount if amount.minor > 0 else None
