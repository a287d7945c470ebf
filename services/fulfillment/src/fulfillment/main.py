"""``paywire-fulfillment``: serve until a signal; the lifespan runs the workers."""

from __future__ import annotations

from common.web import serve

from fulfillment.app import create_app
from fulfillment.settings import FulfillmentSettings

__all__ = ["main"]


def main() -> None:
    """Read settings from the environment and serve on ``PAYWIRE_FULFILLMENT__HOST``/``__PORT``."""
    settings = FulfillmentSettings()
    serve(create_app(settings), settings, settings.fulfillment)


if __name__ == "__main__":
    main()
