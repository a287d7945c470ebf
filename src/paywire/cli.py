"""``paywire``: the operator CLI.

paywire migrate                 create the database if needed, apply every service's migrations
paywire merchant create --name  create a merchant and print its API key once
paywire dev [--demo]            run all four services natively, with a local mail sink
paywire demo                    walk through a payment against running services
paywire trigger PROVIDER EVENT --session ID
                                post a correctly signed sample event to ingress
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from common.settings import Settings

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``paywire`` console script."""
    args = _parser().parse_args(argv)
    settings = Settings()
    if args.command == "migrate":
        from paywire.migrate import migrate_all

        asyncio.run(migrate_all(settings.database_url, progress=print))
        return 0
    if args.command == "merchant":
        from ledger.operations import create_merchant

        created = asyncio.run(create_merchant(settings.database_url, args.name))
        print(json.dumps(created))
        return 0
    if args.command == "dev":
        from paywire.dev import run_dev

        return run_dev(settings, demo=args.demo, exit_after_demo=args.exit_after_demo)
    if args.command == "demo":
        from paywire.demo import run_demo

        return asyncio.run(run_demo(settings))
    if args.command == "trigger":
        return asyncio.run(_trigger(settings, args))
    raise AssertionError(args.command)


async def _trigger(settings: Settings, args: argparse.Namespace) -> int:
    from paywire.trigger import TriggerError, trigger

    try:
        response = await trigger(settings, args.provider, args.event, args.session, args.payment_id)
    except TriggerError as exc:
        print(f"paywire trigger: {exc}", file=sys.stderr)
        return 2
    print(f"ingress answered {response.status_code}: {response.text}")
    return 0 if response.is_success else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paywire", description="paywire operator CLI")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create the database and apply all migrations")
    merchant = commands.add_parser("merchant", help="manage merchants")
    merchant_commands = merchant.add_subparsers(dest="merchant_command", required=True)
    create = merchant_commands.add_parser("create", help="create a merchant, print its key once")
    create.add_argument("--name", required=True)
    dev = commands.add_parser("dev", help="run every service natively")
    dev.add_argument("--demo", action="store_true", help="run the demo once all are ready")
    dev.add_argument(
        "--exit-after-demo", action="store_true", help="stop the services when the demo ends"
    )
    commands.add_parser("demo", help="walk through a payment against running services")
    trigger = commands.add_parser("trigger", help="post a signed sample provider event")
    trigger.add_argument("provider")
    trigger.add_argument("event", help="the provider's own event name, e.g. charge.refunded")
    trigger.add_argument("--session", required=True, help="the paywire session id")
    trigger.add_argument("--payment-id", help="the provider payment id to refer to")
    return parser


if __name__ == "__main__":
    sys.exit(main())
