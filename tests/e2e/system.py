"""The paywire system as real processes, for end-to-end tests and benchmarks.

``running_system`` creates a fresh database, applies every migration, purges the
shared queues, and starts the requested services as subprocesses on free loopback
ports, each with the same environment. Output goes to per-service log files, which
are printed when a test fails to start them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import aio_pika
import asyncpg
import httpx
from common.messaging.topology import QUEUES, declare_topology

from paywire.migrate import migrate_all

__all__ = ["ADMIN_DSN", "System", "free_port", "running_system"]

ADMIN_DSN = os.environ.get(
    "PAYWIRE_TEST_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
AMQP_URL = os.environ.get("PAYWIRE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
STRIPE_SECRET = "whsec_e2e_0123456789abcdef"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class System:
    """Handles on a running system: base URLs, the environment, the processes."""

    env: dict[str, str]
    urls: dict[str, str]
    logs: dict[str, Path]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL the services use."""
        return self.env["PAYWIRE_DATABASE_URL"]

    def log_text(self, service: str) -> str:
        """Everything ``service`` has printed so far."""
        return self.logs[service].read_text(errors="replace")


async def reset_database(name: str) -> str:
    """Drop and recreate database ``name`` (under the run's test prefix); returns its URL."""
    prefix = os.environ.get("PAYWIRE_TEST_DB_PREFIX")
    if prefix:
        name = f"{prefix}_{name}"
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


async def purge_queues(amqp_url: str) -> None:
    """Empty the shared queues so no earlier test's message reaches these processes."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        await declare_topology(channel)
        for spec in QUEUES.values():
            for name in (spec.name, spec.dead_letter_queue):
                queue = await channel.get_queue(name)
                await queue.purge()


def _command(service: str) -> list[str]:
    script = shutil.which(f"paywire-{service}", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", f"{service}.main"]


@contextlib.asynccontextmanager
async def running_system(
    services: tuple[str, ...] = ("ingress", "ledger", "fulfillment", "notifier"),
    database: str = "paywire_e2e",
    extra_env: Mapping[str, str] | None = None,
    amqp_url: str = AMQP_URL,
) -> AsyncIterator[System]:
    """Start ``services`` against a fresh database and ``amqp_url``; stop them on exit."""
    database_url = await reset_database(database)
    await migrate_all(database_url)
    await purge_queues(amqp_url)
    ports = {service: free_port() for service in ("ingress", "ledger", "fulfillment", "notifier")}
    env = {
        **os.environ,
        "PAYWIRE_ENV": "test",
        "PAYWIRE_DATABASE_URL": database_url,
        "PAYWIRE_AMQP_URL": amqp_url,
        "PAYWIRE_LOG_FORMAT": "json",
        "PAYWIRE_STRIPE__WEBHOOK_SECRETS": STRIPE_SECRET,
        "PAYWIRE_LEDGER_URL": f"http://127.0.0.1:{ports['ledger']}",
        "PAYWIRE_FULFILLMENT_URL": f"http://127.0.0.1:{ports['fulfillment']}",
        "PAYWIRE_PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['fulfillment']}",
        **{f"PAYWIRE_{s.upper()}__PORT": str(p) for s, p in ports.items()},
        **(extra_env or {}),
    }
    logdir = Path(tempfile.mkdtemp(prefix="paywire-e2e-"))
    system = System(
        env=env,
        urls={s: f"http://127.0.0.1:{p}" for s, p in ports.items()},
        logs={s: logdir / f"{s}.log" for s in services},
    )
    try:
        for service in services:
            with system.logs[service].open("wb") as log:
                system.processes[service] = subprocess.Popen(  # noqa: ASYNC220
                    _command(service), env=env, stdout=log, stderr=subprocess.STDOUT
                )
        await _wait_ready(system)
        yield system
    finally:
        _stop(system)


async def _wait_ready(system: System, within_seconds: float = 60.0) -> None:
    pending = set(system.processes)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_seconds
    async with httpx.AsyncClient(timeout=2.0) as client:
        while pending:
            for service in sorted(pending):
                proc = system.processes[service]
                if proc.poll() is not None:
                    raise RuntimeError(f"{service} exited:\n{system.log_text(service)[-4000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{system.urls[service]}/readyz")).status_code == 200:
                        pending.discard(service)
            if pending and loop.time() > deadline:
                logs = "\n".join(f"--- {s}\n{system.log_text(s)[-3000:]}" for s in pending)
                raise TimeoutError(f"not ready: {sorted(pending)}\n{logs}")
            if pending:
                await asyncio.sleep(0.2)


def _stop(system: System) -> None:
    for proc in system.processes.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in system.processes.values():
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
