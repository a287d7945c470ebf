"""The ledger's scheduler: status checks of unpaid sessions and pending refunds against
the providers' APIs, on a schedule, applied like webhooks; and the expiry sweep."""
