"""paywire ingress: verifies provider webhooks and publishes them as normalized events."""
