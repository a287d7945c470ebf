"""``paywire dev``: every service as a native process, one console, a local mail sink.

For developers without Docker: it starts ``paywire-ingress``, ``-ledger``,
``-fulfillment`` and ``-notifier`` from this environment against the configured Postgres
and RabbitMQ, prefixes their output, catches outgoing mail on the configured SMTP port
(printing each message's subject and links), waits until every service is ready, then
optionally runs the demo. Ctrl-C stops everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys

import httpx
from common.settings import Settings

from paywire.mailsink import start_mail_sink

__all__ = ["SERVICES", "run_dev", "wait_until_ready"]

SERVICES = ("ingress", "ledger", "fulfillment", "notifier")
_COLOURS = {"ingress": 36, "ledger": 33, "fulfillment": 35, "notifier": 32}


def run_dev(settings: Settings, demo: bool, exit_after_demo: bool) -> int:
    """Run the services until interrupted (or until the demo ends, if asked)."""
    return asyncio.run(_run(settings, demo, exit_after_demo))


def service_url(settings: Settings, service: str) -> str:
    """Base URL of a locally running service."""
    listener = getattr(settings, service)
    return f"http://{listener.host}:{listener.port}"


async def wait_until_ready(settings: Settings, timeout_seconds: float = 60.0) -> None:
    """Poll every service's ``/readyz`` until all answer 200."""
    deadline = asyncio.get_running_loop().time() + timeout_seconds
    pending = set(SERVICES)
    async with httpx.AsyncClient(timeout=2.0) as client:
        while pending:
            for service in sorted(pending):
                with contextlib.suppress(httpx.HTTPError):
                    response = await client.get(f"{service_url(settings, service)}/readyz")
                    if response.status_code == 200:
                        pending.discard(service)
            if pending and asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"not ready after {timeout_seconds:.0f}s: {sorted(pending)}")
            if pending:
                await asyncio.sleep(0.5)


async def _run(settings: Settings, demo: bool, exit_after_demo: bool) -> int:
    sink = start_mail_sink(settings.smtp.host, settings.smtp.port, _say)
    processes = [await _spawn(service) for service in SERVICES]
    pumps = [
        asyncio.create_task(_pump(name, proc))
        for name, proc in zip(SERVICES, processes, strict=True)
    ]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    exit_code = 0
    try:
        _say("dev", "waiting for the services to be ready ...")
        await wait_until_ready(settings)
        _say("dev", "all four services are ready (Ctrl-C stops them)")
        if demo:
            from paywire.demo import run_demo

            exit_code = await run_demo(settings)
            if exit_after_demo:
                stop.set()
        watchers = [asyncio.create_task(proc.wait()) for proc in processes]
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([stopper, *watchers], return_when=asyncio.FIRST_COMPLETED)
        if stopper not in done:
            _say("dev", "a service exited; stopping the others")
            exit_code = 1
    except TimeoutError as exc:
        _say("dev", str(exc))
        exit_code = 1
    finally:
        await _terminate(processes)
        for pump in pumps:
            pump.cancel()
        if sink is not None:
            sink.stop()
    return exit_code


async def _spawn(service: str) -> asyncio.subprocess.Process:
    executable = shutil.which(f"paywire-{service}", path=os.path.dirname(sys.executable))
    command = [executable] if executable else [sys.executable, "-m", f"{service}.main"]
    env = {**os.environ, "PAYWIRE_LOG_FORMAT": os.environ.get("PAYWIRE_LOG_FORMAT", "console")}
    return await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )


async def _pump(name: str, proc: asyncio.subprocess.Process) -> None:
    assert proc.stdout is not None
    async for line in proc.stdout:
        _say(name, line.decode(errors="replace").rstrip())


async def _terminate(processes: list[asyncio.subprocess.Process]) -> None:
    for proc in processes:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    for proc in processes:
        try:
            await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            proc.kill()


def _say(name: str, text: str) -> None:
    colour = _COLOURS.get(name, 37)
    prefix = f"\033[{colour}m{name:>11}\033[0m" if sys.stdout.isatty() else f"{name:>11}"
    print(f"{prefix} | {text}", flush=True)
