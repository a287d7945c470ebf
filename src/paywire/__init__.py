"""paywire's operator tooling: the ``paywire`` CLI, the native dev runner and the demo."""
