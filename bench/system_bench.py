"""Whole-system benchmark: webhook → paid → fulfilled → mailed, on real processes.

Starts all four services (``tests.e2e.system.running_system``: a fresh database, free
127.0.0.1 ports) with an aiosmtpd server in this process noting when each receipt arrives,
in a RabbitMQ vhost of its own (created with ``rabbitmqctl``, deleted afterwards), then:

a. latency at a steady rate: per session, create it, open its WebSocket stream (merchant
   key, ``?session=``) and ``--lead`` seconds later post the signed Stripe
   ``payment_intent.succeeded`` at its scheduled time; webhook sent → ``payment.paid`` and
   ``fulfillment.issued`` on the stream, and → the receipt accepted by the SMTP server.
b. highest steady rate: offered rates step up (``--steps``), each for ``--step-seconds``
   with its sessions created beforehand, watched on one merchant-wide stream. A step keeps
   up when every session is issued on the stream and mailed with a p99 within ``--bound``
   seconds of its webhook, and that latency does not grow across the step
   (``--max-growth``, the backlog). Stepping stops at the first step that falls behind;
   ``--refine`` steps then bisect between the last rate that kept up and it.

Alongside, the services' JSON logs give when the ledger applied each payment, fulfillment
issued and the notifier queued the receipt, and ``/proc`` gives CPU per process: where the
time goes. Figures are printed, not asserted: the exit code is 0 whenever it ran.

    uv run python bench/system_bench.py [--sessions 200] [--rate 20] [--steps 10,20,40,80,160]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import statistics
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from urllib.parse import urlsplit

import aio_pika
import asyncpg
import httpx
from _common import HOST, CpuMeter, CpuUsage, Spread, Vhost, sleep_until  # (+ sys.path)
from _harness import Driver, MailRecorder, Merchant, Track
from _report import (
    POINTS,
    SMTP,
    StepResult,
    print_capacity_details,
    print_latency,
    print_step,
    print_step_header,
    print_verdict,
    since_webhook,
)
from common.messaging.topology import QUEUES
from websockets.exceptions import ConnectionClosed

from tests.e2e import system as e2e_system

# --- part a ---------------------------------------------------------------------------------


async def latency_run(
    driver: Driver, merchants: Sequence[Merchant], count: int, rate: float, args: argparse.Namespace
) -> tuple[list[Track], int]:
    """``count`` sessions at ``rate``/s, each with its own stream; the tracks and failures."""
    first = time.perf_counter() + args.lead + 0.5
    end = first + count / rate + args.drain
    tracks: list[Track] = []

    async def one(n: int) -> None:
        scheduled = first + n / rate
        await sleep_until(scheduled - args.lead)
        track = await driver.create_session(merchants[n % len(merchants)], n)
        track.scheduled_at = scheduled
        tracks.append(track)
        driver.sign(track)
        async with driver.session_stream(track) as ws:
            await sleep_until(scheduled)
            await driver.post_webhook(track)
            with contextlib.suppress(TimeoutError, ConnectionClosed):
                await asyncio.wait_for(
                    driver.read_until_issued(ws, track), end - time.perf_counter()
                )

    outcomes = await asyncio.gather(*(one(n) for n in range(count)), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    for failure in failures[:3]:
        print(f"  session failed: {type(failure).__name__}: {str(failure)[:200]}")
    await driver.wait_complete(tracks, end)
    driver.logs.update()
    return tracks, len(failures)


# --- part b ---------------------------------------------------------------------------------


async def capacity_step(
    driver: Driver,
    merchants: Sequence[Merchant],
    rate: float,
    meter: CpuMeter,
    queues: QueueWatch,
    args: argparse.Namespace,
) -> StepResult:
    """Pre-create the step's sessions, post their webhooks at ``rate``/s, wait, analyse."""
    count = max(1, round(rate * args.step_seconds))
    tracks = await driver.create_sessions(merchants, count, args.concurrency)
    await asyncio.sleep(0.5)  # let the session creation settle
    driver.logs.update()
    warnings_before = driver.logs.warnings.copy()
    first = time.perf_counter() + 0.1
    before = meter.snapshot()
    queues.reset()
    posts = []
    for n, track in enumerate(tracks):
        track.scheduled_at = first + n / rate
        await sleep_until(track.scheduled_at)
        posts.append(asyncio.create_task(driver.post_webhook(track)))
    await asyncio.gather(*posts)
    await driver.wait_complete(tracks, tracks[-1].scheduled_at + args.drain)
    cpu = meter.usage(before, meter.snapshot())
    driver.logs.update()
    warnings = driver.logs.warnings - warnings_before
    return analyse(driver, rate, tracks, cpu, queues.peaks(), warnings, args)


def analyse(
    driver: Driver,
    rate: float,
    tracks: Sequence[Track],
    cpu: CpuUsage,
    peak_queues: dict[str, int],
    warnings: Counter[tuple[str, str]],
    args: argparse.Namespace,
) -> StepResult:
    """A step's figures and verdict."""
    ordered = sorted(tracks, key=lambda t: t.sent_at)
    done = [t for t in ordered if driver.complete(t)]
    latencies = [driver.completed_at(t) - t.sent_at for t in done]
    fifth = max(1, len(latencies) // 5)
    growth = (
        statistics.median(latencies[-fifth:]) - statistics.median(latencies[:fifth])
        if latencies
        else math.nan
    )
    span = max((driver.completed_at(t) for t in done), default=math.nan) - ordered[0].sent_at
    rejected = sum(1 for t in tracks if t.status_code != 200)
    missing = len(tracks) - len(done)
    done_spread = Spread.of(latencies)
    ok = (
        rejected == 0
        and missing == 0
        and done_spread.p99 <= args.bound
        and growth <= args.max_growth
    )
    return StepResult(
        rate=rate,
        sessions=len(tracks),
        rejected=rejected,
        missing=missing,
        achieved=len(done) / span if span > 0 else math.nan,
        email=since_webhook(driver, tracks, SMTP.timing),
        done=done_spread,
        growth=growth,
        points={p.short: since_webhook(driver, tracks, p.timing) for p in POINTS},
        slip=Spread.of(t.sent_at - t.scheduled_at for t in tracks),
        cpu=cpu,
        peak_queues=peak_queues,
        warnings=warnings,
        ok=ok,
    )


class QueueWatch:
    """Samples the ready messages of the services' queues, keeping each one's peak.

    The notifier's WebSocket fan-out queue is exclusive to its connection, so it cannot
    be watched from here (without the management plugin).
    """

    def __init__(self, amqp_url: str, interval: float = 0.5) -> None:
        self._url = amqp_url
        self._interval = interval
        self._peaks: dict[str, int] = {}

    def reset(self) -> None:
        """Start a new window."""
        self._peaks = dict.fromkeys(QUEUES, 0)

    def peaks(self) -> dict[str, int]:
        """The peaks since ``reset``."""
        return dict(self._peaks)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[QueueWatch]:
        """Sample in the background while the block runs."""
        self.reset()
        connection = await aio_pika.connect(self._url)
        task = asyncio.create_task(self._sample(connection))
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await connection.close()

    async def _sample(self, connection: aio_pika.abc.AbstractConnection) -> None:
        channel = await connection.channel()
        while True:
            for name in QUEUES:
                queue = await channel.declare_queue(name, passive=True)
                ready = queue.declaration_result.message_count or 0
                self._peaks[name] = max(self._peaks.get(name, 0), ready)
            await asyncio.sleep(self._interval)


async def capacity_run(
    driver: Driver,
    merchants: Sequence[Merchant],
    meter: CpuMeter,
    args: argparse.Namespace,
    stop_at: float,
) -> list[StepResult]:
    """Step the offered rate up until a step falls behind, then bisect ``--refine`` times."""
    results: list[StepResult] = []
    good, bad = 0.0, math.inf
    rates, refine_left = list(args.steps), args.refine
    print_step_header()
    async with driver.merchant_streams(merchants), QueueWatch(args.amqp_url).running() as queues:
        while True:
            if not rates:
                middle = round((good + bad) / 2) if good > 0 and bad < math.inf else 0
                if refine_left <= 0 or not good < middle < bad:
                    break
                refine_left -= 1
                if not await settle(driver, args.settle):
                    print(f"  (no refinement: the backlog did not drain within {args.settle:g} s)")
                    break
                rates = [float(middle)]
            rate = rates.pop(0)
            if time.perf_counter() + args.step_seconds + args.drain > stop_at:
                print(f"  (stopped before {rate:g}/s: --time-limit {args.time_limit:g} s)")
                break
            result = await capacity_step(driver, merchants, rate, meter, queues, args)
            results.append(result)
            print_step(result)
            if result.ok:
                good = max(good, rate)
            else:
                bad = min(bad, rate)
                rates = []  # no higher step: it would only fall further behind
    return results


async def settle(driver: Driver, seconds: float) -> bool:
    """Wait for every session sent so far to complete; True if they all did in time."""
    sent = [t for t in driver.tracks.values() if not math.isnan(t.sent_at)]
    await driver.wait_complete(sent, time.perf_counter() + seconds)
    await asyncio.sleep(1.0)
    return all(driver.complete(t) for t in sent)


# --- the run --------------------------------------------------------------------------------


async def bench(args: argparse.Namespace) -> None:
    """Start the system, run the parts, stop everything."""
    started = time.perf_counter()
    mail = MailRecorder()
    smtp_port = e2e_system.free_port()
    controller = mail.start(smtp_port)
    extra_env = {
        "PAYWIRE_SMTP__HOST": HOST,
        "PAYWIRE_SMTP__PORT": str(smtp_port),
        "PAYWIRE_LOG_LEVEL": args.log_level,
        "PAYWIRE_ENV_FILE": "",  # a developer's .env must not change what is measured
    }
    logdir = None
    finished = False
    try:
        async with (
            e2e_system.running_system(
                database=args.database, extra_env=extra_env, amqp_url=args.amqp_url
            ) as system,
            httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=512)) as http,
        ):
            logdir = next(iter(system.logs.values())).parent
            pids = ", ".join(f"{s} {p.pid}" for s, p in system.processes.items())
            print(f"system up in {time.perf_counter() - started:.1f} s (pids: {pids})")
            async with asyncio.timeout(args.time_limit + 120):  # a hung system stops it too
                await measure(Driver(system, mail, http), args, started + args.time_limit)
            finished = True
    finally:
        controller.stop()
        if not args.keep:
            await drop_database(args.database)
        if logdir is not None and finished and not args.keep:
            for log in logdir.glob("*.log"):
                log.unlink()
            logdir.rmdir()
        elif logdir is not None:
            print(f"service logs kept in {logdir}")
    print(f"system bench done in {time.perf_counter() - started:.0f} s")


async def measure(driver: Driver, args: argparse.Namespace, stop_at: float) -> None:
    """Warm up, then parts a and b."""
    processes = driver.system.processes
    meter = CpuMeter({s: p.pid for s, p in processes.items()})
    merchants = await driver.merchants(args.merchants)
    warmup, failures = await latency_run(driver, merchants, args.warmup, 10.0, args)
    if failures or not all(driver.complete(t) for t in warmup):
        errors = "\n".join(
            [
                f"{service}: {line[:400]}"
                for service in processes
                for line in driver.system.log_text(service).splitlines()
                if '"level": "error"' in line
            ][-10:]
        )
        raise SystemExit(f"the warm-up did not go through; errors the services logged:\n{errors}")
    print(f"warm-up: {args.warmup} sessions at 10/s went through")
    if args.part in ("all", "latency"):
        print(
            f"\n== a. latency at a steady rate: {args.sessions} paid sessions at {args.rate:g}/s, "
            f"{args.merchants} merchant(s), a stream per session =="
        )
        before = meter.snapshot()
        tracks, failures = await latency_run(driver, merchants, args.sessions, args.rate, args)
        print_latency(driver, tracks, failures, meter.usage(before, meter.snapshot()), meter.groups)
    if args.part in ("all", "capacity"):
        await settle(driver, args.settle)
        print(
            f"\n== b. highest steady rate: {args.step_seconds:g} s per step; keeps up = every "
            f"session issued (stream) and mailed, p99 ≤ {args.bound * 1e3:.0f} ms, growth ≤ "
            f"{args.max_growth * 1e3:.0f} ms (latencies in ms) =="
        )
        results = await capacity_run(driver, merchants, meter, args, stop_at)
        print_capacity_details(results, meter.groups)
        print_verdict(results)
    mail = driver.mail
    print(
        f"\nreceipts: {len(mail.arrivals)} sessions mailed, {mail.duplicates} duplicates, "
        f"{mail.unmatched} unmatched; merchant stream reconnects {driver.stream_drops}"
    )


async def drop_database(name: str) -> None:
    """Remove the benchmark's database."""
    conn = await asyncpg.connect(e2e_system.ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add = parser.add_argument
    add("--part", choices=("all", "latency", "capacity"), default="all")
    add("--sessions", type=int, default=200, help="part a: paid sessions")
    add("--rate", type=float, default=20.0, help="part a: paid sessions per second")
    add("--lead", type=float, default=1.0, help="part a: seconds from session+stream to webhook")
    add("--steps", type=rates, default=rates("10,20,40,80,160"), help="part b: offered rates")
    add("--step-seconds", type=float, default=10.0, help="part b: seconds per step")
    add("--bound", type=float, default=5.0, help="part b: p99 bound, seconds")
    add("--max-growth", type=float, default=1.0, help="part b: latency growth bound, seconds")
    add("--refine", type=int, default=1, help="part b: bisecting steps after the first failure")
    add("--drain", type=float, default=10.0, help="seconds to wait after the last webhook")
    add("--settle", type=float, default=30.0, help="seconds to let a backlog drain")
    add("--warmup", type=int, default=20, help="sessions sent before measuring")
    add("--merchants", type=int, default=1, help="merchants the sessions are spread over")
    add("--concurrency", type=int, default=32, help="concurrent session creations in part b")
    add("--time-limit", type=float, default=150.0, help="no step starts that would end later (s)")
    add("--vhost", default="paywire_bench", help="RabbitMQ vhost (created, then deleted)")
    add("--database", default="paywire_bench", help="Postgres database (recreated, then dropped)")
    add("--keep", action="store_true", help="keep the database and the service logs")
    add("--log-level", default="INFO", help="the services' log level (INFO: log milestones)")
    args = parser.parse_args()
    if urlsplit(e2e_system.ADMIN_DSN).hostname not in {HOST, "localhost"}:
        parser.error("the benchmark targets only a Postgres on 127.0.0.1")
    if min(args.sessions, args.merchants, args.warmup) < 1 or args.rate <= 0:
        parser.error("--sessions, --merchants and --warmup must be ≥ 1, --rate > 0")
    return args


def rates(text: str) -> list[float]:
    """``10,20,40`` → ``[10.0, 20.0, 40.0]`` (ascending, positive)."""
    values = sorted(float(v) for v in text.split(",") if v.strip())
    if not values or values[0] <= 0:
        raise argparse.ArgumentTypeError("give positive rates, e.g. 10,20,40")
    return values


def main() -> None:
    """Parse arguments, own a vhost for the run, and benchmark."""
    args = parse_args()
    vhost = Vhost(args.vhost)
    vhost.ensure()
    args.amqp_url = vhost.amqp_url
    try:
        asyncio.run(bench(args))
    finally:
        vhost.delete()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
