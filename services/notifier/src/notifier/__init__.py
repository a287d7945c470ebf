"""paywire notifier: live WebSocket updates and customer email for payment changes."""
