"""paywire's ledger: merchants, checkout sessions, the payment state machine and the journal."""
