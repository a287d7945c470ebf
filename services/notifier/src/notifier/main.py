"""``paywire-notifier``: serve notifier until a signal; the app's lifespan runs its workers."""

from __future__ import annotations

from common.web import serve

from notifier.app import create_app
from notifier.settings import NotifierSettings

__all__ = ["main"]


def main() -> None:
    """Read settings from the environment and serve on ``PAYWIRE_NOTIFIER__HOST``/``__PORT``."""
    settings = NotifierSettings()
    serve(create_app(settings), settings, settings.notifier)


if __name__ == "__main__":
    main()
