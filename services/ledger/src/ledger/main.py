"""``paywire-ledger``: serve ledger until a signal; the app's lifespan runs its workers."""

from __future__ import annotations

from common.web import serve

from ledger.app import create_app
from ledger.settings import LedgerSettings

__all__ = ["main"]


def main() -> None:
    """Read settings from the environment and serve on ``PAYWIRE_LEDGER__HOST``/``__PORT``."""
    settings = LedgerSettings()
    serve(create_app(settings, run_workers=True), settings, settings.ledger)


if __name__ == "__main__":
    main()
