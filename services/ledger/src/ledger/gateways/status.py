"""Asking a provider about every payment id recorded for a session, and reading one answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from common.events import ProviderEvent, ProviderEventKind

from ledger.gateways.translate import translated

__all__ = ["settled_status"]


async def settled_status(
    session_id: str,
    payment_ids: Iterable[str],
    fetch: Callable[[str], Awaitable[ProviderEvent | None]],
) -> ProviderEvent | None:
    """Ask about each id in turn: a success wins at once, else the first event any id
    reports. The event is about ``session_id``, whatever the provider's metadata says."""
    found: ProviderEvent | None = None
    for payment_id in payment_ids:
        with translated():
            event = await fetch(payment_id)
        if event is None:
            continue
        if event.kind is ProviderEventKind.PAYMENT_SUCCEEDED:
            found = event
            break
        found = found or event
    return found.model_copy(update={"session_ref": session_id}) if found else None
