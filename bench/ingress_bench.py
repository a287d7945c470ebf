"""Ingress throughput: verified Stripe webhooks per second with confirmed publishes.

Starts ``paywire-ingress`` as a subprocess on a free 127.0.0.1 port against the real
RabbitMQ, drives it with wrk (``apt-get install -y wrk``) rotating through pre-signed Stripe
webhooks (distinct event ids, signed at start with the current time), or with a built-in
httpx load generator when wrk is missing. Then it measures a bare aio-pika
publish-with-confirm loop with the same message size and concurrency (N publishers on one
confirming channel), prints both side by side and purges ``ledger.provider-events``.

It shares that queue with the ledger and the integration tests, so it refuses to start
while the queue has a consumer; run it alone, or give ``--amqp-url`` a vhost of its own.

    uv run python bench/ingress_bench.py [--duration 10] [--connections 64] [--requests 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aio_pika
import httpx
from common.messaging import declare_topology
from common.messaging.topology import LEDGER_PROVIDER_EVENTS
from ingress.envelope import to_cloud_event
from ingress.providers import WebhookRequest
from ingress.providers.stripe import StripeProvider

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "services/ingress/tests/fixtures/stripe/payment_intent.succeeded.json"
LUA_SCRIPT = Path(__file__).with_name("ingress_bench.lua")
MAX_DURATION = 240  # every request is signed once, at start; Stripe's window is 300 s


@dataclass(frozen=True)
class Result:
    """One measured loop."""

    name: str
    completed: int
    failed: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        """Successful operations per second."""
        return self.completed / self.seconds


def signed_webhooks(secret: str, count: int) -> list[tuple[str, bytes]]:
    """``count`` Stripe ``payment_intent.succeeded`` bodies with distinct ids, signed now."""
    template = FIXTURE.read_bytes()
    timestamp = int(time.time())
    signed = []
    for i in range(count):
        body = template.replace(b"evt_3PrwH62eZvKYlo2C0Yq3fW1d", f"evt_bench{i:019d}".encode())
        mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
        signed.append((f"t={timestamp},v1={mac.hexdigest()}", body))
    return signed


def write_lua_requests(path: Path, webhooks: list[tuple[str, bytes]]) -> None:
    """A Lua chunk returning the webhooks as ``{header, body}`` pairs (long-bracket strings)."""
    items = (f'{{"{header}", [==[{body.decode()}]==]}}' for header, body in webhooks)
    path.write_text("return {\n" + ",\n".join(items) + "\n}\n")


def start_ingress(
    port: int, secret: str, amqp_url: str, workdir: Path, log_level: str
) -> subprocess.Popen[bytes]:
    """``paywire-ingress`` on ``HOST:port``, logging JSON to ``workdir/ingress.log``."""
    executable = shutil.which("paywire-ingress", path=str(Path(sys.executable).parent))
    if executable is None:
        sys.exit("paywire-ingress is not installed: run `uv sync` first")
    env = {
        **os.environ,
        "PAYWIRE_ENV": "test",
        "PAYWIRE_AMQP_URL": amqp_url,
        "PAYWIRE_INGRESS__HOST": HOST,
        "PAYWIRE_INGRESS__PORT": str(port),
        "PAYWIRE_STRIPE__WEBHOOK_SECRETS": secret,
        "PAYWIRE_LOG_FORMAT": "json",
        "PAYWIRE_LOG_LEVEL": log_level,
    }
    with (workdir / "ingress.log").open("wb") as log:
        return subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [executable], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def wait_ready(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until ``/readyz`` answers 200 (the broker is reachable)."""
    with httpx.Client(base_url=base_url) as client:
        for _ in range(100):
            if server.poll() is not None:
                sys.exit(f"ingress exited:\n{log.read_text()[-2000:]}")
            try:
                if client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    sys.exit(f"ingress did not become ready:\n{log.read_text()[-2000:]}")


def run_wrk(wrk: str, base_url: str, data: Path, args: argparse.Namespace) -> Result:
    """Drive ingress with wrk for ``args.duration`` seconds."""
    command = [
        wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--timeout", "10s", "-s", str(LUA_SCRIPT), f"{base_url}/webhooks/stripe", "--", str(data),
    ]  # fmt: skip
    output = subprocess.run(  # noqa: S603 - wrk found on PATH, fixed loopback target
        command, capture_output=True, text=True, check=True, timeout=args.duration + 60
    ).stdout
    match = re.search(r"^WRK_RESULT (\{.*\})$", output, re.MULTILINE)
    if match is None:
        sys.exit(f"wrk printed no result:\n{output}")
    r = json.loads(match.group(1))
    failed = r["non_2xx"] + r["socket_errors"] + r["timeouts"]
    return Result(
        "ingress (wrk)", r["requests"] - r["non_2xx"], failed,
        r["duration_us"] / 1e6, r["p50_us"] / 1e3, r["p99_us"] / 1e3,
    )  # fmt: skip


async def run_httpx(
    base_url: str, webhooks: list[tuple[str, bytes]], args: argparse.Namespace
) -> Result:
    """The fallback load generator: ``args.connections`` concurrent httpx clients."""
    latencies: list[float] = []
    failed = 0
    deadline = time.perf_counter() + args.duration
    limits = httpx.Limits(max_connections=args.connections)

    async def worker(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal failed
        i = offset
        while time.perf_counter() < deadline:
            header, body = webhooks[i % len(webhooks)]
            started = time.perf_counter()
            headers = {"Stripe-Signature": header, "Content-Type": "application/json"}
            response = await client.post("/webhooks/stripe", content=body, headers=headers)
            if response.status_code == 200:
                latencies.append(time.perf_counter() - started)
            else:
                failed += 1
            i += 1

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=10) as client:
        await asyncio.gather(*(worker(client, n * 997) for n in range(args.connections)))
    return summarize("ingress (httpx)", latencies, failed, time.perf_counter() - started)


async def run_bare_publish(amqp_url: str, message_body: bytes, args: argparse.Namespace) -> Result:
    """``args.connections`` publishers on one confirming channel, persistent and mandatory."""
    latencies: list[float] = []
    failed = 0
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
    exchange = await declare_topology(channel)
    deadline = time.perf_counter() + args.duration

    async def publisher() -> None:
        nonlocal failed
        while time.perf_counter() < deadline:
            message = aio_pika.Message(
                message_body,
                content_type="application/cloudevents+json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=secrets.token_hex(8),
            )
            started = time.perf_counter()
            try:
                await exchange.publish(
                    message, "provider.stripe.payment_succeeded", mandatory=True, timeout=10
                )
            except Exception:
                failed += 1
            else:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(publisher() for _ in range(args.connections)))
    elapsed = time.perf_counter() - started
    await connection.close()
    return summarize("bare aio-pika confirm loop", latencies, failed, elapsed)


def summarize(name: str, latencies: list[float], failed: int, seconds: float) -> Result:
    """A ``Result`` from per-operation latencies in seconds."""
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Result(name, len(latencies), failed, seconds, cuts[49] * 1e3, cuts[98] * 1e3)


async def ledger_queue_state(amqp_url: str, purge: bool) -> tuple[int, int]:
    """Messages and consumers of ``ledger.provider-events`` (declaring it); purge if asked."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        await declare_topology(channel)
        queue = await channel.declare_queue(LEDGER_PROVIDER_EVENTS.name, passive=True)
        result = queue.declaration_result
        if purge:
            await queue.purge()
        return result.message_count or 0, result.consumer_count or 0


def report(results: list[Result], args: argparse.Namespace, sizes: tuple[int, int]) -> None:
    """Print the figures side by side."""
    print(
        f"\n{args.duration} s, {args.connections} concurrent, body {sizes[0]} B, "
        f"AMQP message {sizes[1]} B, persistent + mandatory + confirmed, quorum queue"
    )
    print(f"{'':30} {'ok/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'ok':>9} {'failed':>7}")
    for r in results:
        print(
            f"{r.name:30} {r.per_second:10,.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} "
            f"{r.completed:9,} {r.failed:7,}"
        )


def require_unconsumed_queue(amqp_url: str) -> None:
    """Exit when something consumes ``ledger.provider-events``; purge it otherwise."""
    _, consumers = asyncio.run(ledger_queue_state(amqp_url, purge=False))
    if consumers:
        sys.exit(
            f"{LEDGER_PROVIDER_EVENTS.name} has {consumers} consumer(s), a ledger or a test run:"
            " stop it, or pass --amqp-url with a vhost of its own"
        )
    asyncio.run(ledger_queue_state(amqp_url, purge=True))


def measure_ingress(
    args: argparse.Namespace, wrk: str | None, secret: str, webhooks: list[tuple[str, bytes]]
) -> tuple[Result, int]:
    """Run ingress, load it, stop it; the result and how many messages it queued."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    base_url = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="ingress-bench-") as tmp:
        workdir = Path(tmp)
        server = start_ingress(port, secret, args.amqp_url, workdir, args.log_level)
        try:
            wait_ready(base_url, server, workdir / "ingress.log")
            if wrk is not None:
                write_lua_requests(workdir / "requests.lua", webhooks)
                result = run_wrk(wrk, base_url, workdir / "requests.lua", args)
            else:
                result = asyncio.run(run_httpx(base_url, webhooks, args))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
            queued, _ = asyncio.run(ledger_queue_state(args.amqp_url, purge=True))
    return result, queued


def bench(args: argparse.Namespace) -> None:
    """Run both measurements, always stopping ingress and purging the queue."""
    if urlsplit(args.amqp_url).hostname not in {HOST, "localhost"}:
        sys.exit("the benchmark targets only a broker on 127.0.0.1")
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk not found (apt-get install -y wrk): using the slower httpx load generator")
    secret = "whsec_bench_" + secrets.token_hex(16)
    webhooks = signed_webhooks(secret, args.requests)
    provider_event = StripeProvider([secret]).read_event(WebhookRequest(webhooks[0][1], {}))
    message_body = to_cloud_event(provider_event, "req_bench").to_bytes()
    require_unconsumed_queue(args.amqp_url)
    ingress, queued = measure_ingress(args, wrk, secret, webhooks)
    try:
        bare = asyncio.run(run_bare_publish(args.amqp_url, message_body, args))
    finally:
        asyncio.run(ledger_queue_state(args.amqp_url, purge=True))
    report([ingress, bare], args, (len(webhooks[0][1]), len(message_body)))
    print(f"messages queued by ingress: {queued:,} (answered 200: {ingress.completed:,})")


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=64, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--requests", type=int, default=4000, help="distinct signed webhooks")
    parser.add_argument("--log-level", default="INFO", help="ingress log level")
    parser.add_argument(
        "--amqp-url", default=os.environ.get("PAYWIRE_AMQP_URL", f"amqp://guest:guest@{HOST}:5672/")
    )
    args = parser.parse_args()
    if not 1 <= args.duration <= MAX_DURATION:
        parser.error(f"--duration must be 1..{MAX_DURATION} (signatures expire after 300 s)")
    bench(args)


if __name__ == "__main__":
    main()
