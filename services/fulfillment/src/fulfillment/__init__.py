"""paywire fulfillment: invoices, customer API keys and access tokens for paid sessions."""
