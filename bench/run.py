"""``make bench``: every benchmark, one after the other, then a summary.

1. ``bench/ingress_bench.py --duration 10``: verified webhooks per second through ingress.
2. ``bench/system_bench.py``: webhook → paid → fulfilled → mailed, latency and highest rate.

Each runs as a subprocess with its output shown as it comes. Both use a RabbitMQ vhost of
their own (``paywire_bench``, created here with ``rabbitmqctl`` and deleted at the end), so
tests running against the same broker neither disturb them nor get disturbed. The ingress
benchmark runs first: it refuses to start while ``ledger.provider-events`` has a consumer,
and the system benchmark stops its services before it returns.

    uv run python bench/run.py [--only ingress|system] [--system-args "--rate 40"]
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field

from _common import ROOT, Vhost

VHOST = "paywire_bench"


@dataclass
class Benchmark:
    """A benchmark script, the lines worth repeating in the summary, and how it went."""

    name: str
    title: str
    command: list[str]
    highlights: re.Pattern[str]
    output: list[str] = field(default_factory=list)
    returncode: int | None = None
    seconds: float = 0.0

    def run(self) -> None:
        """Run it, echoing its output and keeping it."""
        print(f"\n{'=' * 100}\n{self.title}\n$ {shlex.join(self.command)}\n{'=' * 100}", flush=True)
        started = time.perf_counter()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with subprocess.Popen(  # noqa: S603 - our own scripts, fixed arguments
            [sys.executable, *self.command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                print(line, end="", flush=True)
                self.output.append(line.rstrip("\n"))
        self.returncode = process.returncode
        self.seconds = time.perf_counter() - started

    def summary(self) -> list[str]:
        """Status line and highlighted figures."""
        status = "ran" if self.returncode == 0 else f"FAILED (exit code {self.returncode})"
        lines = [f"{self.name}: {status} in {self.seconds:.0f} s"]
        lines += [f"  {line}" for line in self.output if self.highlights.search(line)]
        return lines


def benchmarks(args: argparse.Namespace, amqp_url: str) -> list[Benchmark]:
    """The benchmarks ``args`` selects, in running order."""
    ingress = Benchmark(
        "ingress",
        "ingress: verified Stripe webhooks per second, each published with a broker confirm",
        ["bench/ingress_bench.py", "--duration", "10", "--amqp-url", amqp_url],
        re.compile(r"^(ingress \(|bare aio-pika|messages queued)"),
    )
    system = Benchmark(
        "system",
        "system: webhook → paid → fulfilled → mailed, latency at a steady rate and highest rate",
        ["bench/system_bench.py", "--vhost", VHOST, *shlex.split(args.system_args)],
        re.compile(
            r"^(== |  smtp receipt|  ws fulfillment|  highest|  +offered/s +sessions)|(up|behind)$"
        ),
    )
    return [b for b in (ingress, system) if args.only in (None, b.name)]


def main() -> int:
    """Run the benchmarks; 0 when all of them ran."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("ingress", "system"), help="run just one")
    parser.add_argument("--system-args", default="", help="extra arguments for system_bench.py")
    args = parser.parse_args()
    vhost = Vhost(VHOST)
    vhost.ensure()
    selected = benchmarks(args, vhost.amqp_url)
    started = time.perf_counter()
    try:
        for benchmark in selected:
            benchmark.run()
    except KeyboardInterrupt:
        print("\ninterrupted")
    finally:
        vhost.delete()
    print(f"\n{'=' * 100}\nsummary ({time.perf_counter() - started:.0f} s in all)\n{'=' * 100}")
    for benchmark in selected:
        print("\n".join(benchmark.summary()))
    return 0 if all(b.returncode == 0 for b in selected) else 1


if __name__ == "__main__":
    sys.exit(main())
