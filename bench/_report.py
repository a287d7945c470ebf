"""The system benchmark's figures: the points of a session's way, step results, tables."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from _common import CpuUsage, Spread, ms
from _harness import Driver, Track
from common.messaging.topology import QUEUES

NOISY = 25.0
"""Percent of one core used by processes outside the benchmark that earns a note."""

Timing = Callable[[Driver, Track], float]
"""When a session reached some point (``perf_counter``), NaN if it has not."""


@dataclass(frozen=True)
class Point:
    """A point on a session's way; webhook sent is time zero."""

    name: str
    short: str  # column title
    timing: Timing


POINTS = (
    Point(
        "ingress answered 200",
        "ingress",
        lambda d, t: t.answered_at if t.status_code == 200 else math.nan,
    ),
    Point("ledger applied paid*", "ledger*", lambda d, t: d.logs.at("ledger paid", t.session_id)),
    Point("ws payment.paid", "ws paid", lambda d, t: t.paid_at),
    Point("fulfillment issued*", "fulfilled*", lambda d, t: d.logs.at("fulfilled", t.session_id)),
    Point("ws fulfillment.issued", "ws issued", lambda d, t: t.issued_at),
    Point(
        "notifier queued mail*", "mail q'd*", lambda d, t: d.logs.at("mail queued", t.session_id)
    ),
    Point("smtp receipt accepted", "smtp", lambda d, t: d.mailed_at(t)),
)
"""In their usual order; * marks a service's own log timestamp."""
SMTP = POINTS[-1]


def since_webhook(driver: Driver, tracks: Sequence[Track], timing: Timing) -> Spread:
    """Webhook sent → ``timing``, over the sessions that got there."""
    values = (timing(driver, t) - t.sent_at for t in tracks)
    return Spread.of(v for v in values if not math.isnan(v))


@dataclass(frozen=True)
class StepResult:
    """One offered rate of part b, analysed."""

    rate: float
    sessions: int
    rejected: int  # webhooks not answered 200
    missing: int  # not both issued on the stream and mailed by the end of the drain
    achieved: float  # completed sessions per second, first webhook → last completion
    email: Spread  # webhook sent → receipt at the SMTP server
    done: Spread  # webhook sent → issued on the stream and mailed, whichever is later
    growth: float  # median of ``done``: last fifth of the webhooks minus the first fifth
    points: dict[str, Spread]  # webhook sent → each of ``POINTS``
    slip: Spread  # how late the webhooks went out against their schedule
    cpu: CpuUsage
    peak_queues: dict[str, int]
    warnings: Counter[tuple[str, str]]
    ok: bool


def print_latency(
    driver: Driver, tracks: Sequence[Track], failures: int, cpu: CpuUsage, groups: Sequence[str]
) -> None:
    """The part a table: webhook sent → each point of the way."""
    sent = [t for t in tracks if not math.isnan(t.sent_at)]
    print(f"  {'webhook sent →':26}{'received':>9}{'missing':>8}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'p99 ms':>8}{'max ms':>8}")  # fmt: skip
    for point in POINTS:
        s = since_webhook(driver, sent, point.timing)
        print(
            f"  {point.name:26}{s.count:9}{len(sent) - s.count:8}{ms(s.p50):>8}{ms(s.p95):>8}"
            f"{ms(s.p99):>8}{ms(s.max):>8}"
        )
    slip = Spread.of(t.sent_at - t.scheduled_at for t in sent)
    print(
        f"  sessions {len(tracks) + failures}, webhooks sent {len(sent)}, failed to set up "
        f"{failures}, webhook schedule slip p99 {ms(slip.p99)} ms; * the service's own log time"
    )
    print_cpu(cpu, groups)


def print_step_header() -> None:
    """Column titles of the part b table."""
    print(
        f"  {'offered/s':>9}{'sessions':>9}{'achieved/s':>11}{'email p50':>10}{'email p99':>10}"
        f"{'done p99':>9}{'growth':>8}{'missing':>8}{'non-200':>8}{'slip p99':>9}  verdict"
    )


def print_step(r: StepResult) -> None:
    """One row of the part b table (latencies in ms)."""
    verdict = "keeps up" if r.ok else "falls behind"
    print(
        f"  {r.rate:9g}{r.sessions:9}{r.achieved:11.1f}{ms(r.email.p50):>10}{ms(r.email.p99):>10}"
        f"{ms(r.done.p99):>9}{ms(r.growth):>8}{r.missing:8}{r.rejected:8}{ms(r.slip.p99):>9}"
        f"  {verdict}"
    )


def print_capacity_details(results: Sequence[StepResult], groups: Sequence[str]) -> None:
    """Where the time went per step, and what was busy."""
    if not results:
        return
    print("\n  webhook sent → each point, p50/p99 ms")
    names = [p.short for p in POINTS]
    print(f"  {'offered/s':>9}" + "".join(f"{n:>13}" for n in names))
    for r in results:
        cells = "".join(f"{ms(r.points[n].p50) + '/' + ms(r.points[n].p99):>13}" for n in names)
        print(f"  {r.rate:9g}{cells}")
    print("  (* the service's own log timestamp)")
    print("\n  peak ready messages: " + ", ".join(QUEUES))
    for r in results:
        peaks = ", ".join(str(r.peak_queues.get(q, 0)) for q in QUEUES)
        print(f"  {r.rate:9g}   {peaks}")
    print("\n  CPU, % of one core, first webhook → last completion (or the end of the drain)")
    print(f"  {'offered/s':>9}" + "".join(f"{g[:11]:>12}" for g in (*groups, "other"))
          + f"{'machine':>9}")  # fmt: skip
    for r in results:
        cells = "".join(f"{r.cpu.per_group.get(g, 0):12.0f}" for g in groups)
        print(f"  {r.rate:9g}{cells}{r.cpu.other:12.0f}{r.cpu.machine_busy:8.0f}%")
    busy = [f"{r.rate:g}/s ({r.cpu.other:.0f}%)" for r in results if r.cpu.other > NOISY]
    if busy:
        print(f"  note: other processes on the machine used CPU during {', '.join(busy)}")
    for r in results:
        if r.warnings:
            top = ", ".join(f"{s} {e} x{n}" for (s, e), n in r.warnings.most_common(4))
            print(f"  warnings in the logs at {r.rate:g}/s: {top}")


def print_cpu(cpu: CpuUsage, groups: Sequence[str]) -> None:
    """One line of CPU use per process group."""
    cells = ", ".join(f"{g} {cpu.per_group.get(g, 0):.0f}" for g in groups)
    print(
        f"  CPU over {cpu.seconds:.1f} s, % of one core: {cells}, other {cpu.other:.0f}; "
        f"machine {cpu.machine_busy:.0f}% busy ({cpu.cores} cores)"
    )
    if cpu.other > NOISY:
        print("  note: other processes on the machine competed for CPU during this run")


def print_verdict(results: Sequence[StepResult]) -> None:
    """The highest offered rate that kept up, with nothing lower falling behind."""
    failed = [r.rate for r in results if not r.ok]
    kept = [r.rate for r in results if r.ok and not any(f <= r.rate for f in failed)]
    if not kept:
        print("\n  highest steady rate: none of the steps kept up")
        return
    best = max(kept)
    above = min((f for f in failed if f > best), default=None)
    tail = f", falls behind at {above:g}/s" if above else ", the highest rate tried"
    print(f"\n  highest steady rate that keeps up: {best:g} paid sessions/s{tail}")
