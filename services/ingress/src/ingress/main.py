"""``paywire-ingress``: serve ingress until a signal; the app's lifespan runs its workers."""

from __future__ import annotations

from common.web import serve

from ingress.app import create_app
from ingress.settings import IngressSettings

__all__ = ["main"]


def main() -> None:
    """Read settings from the environment and serve on ``PAYWIRE_INGRESS__HOST``/``__PORT``."""
    settings = IngressSettings()
    serve(create_app(settings), settings, settings.ingress)


if __name__ == "__main__":
    main()
