"""Helpers shared by the benchmarks: paths, percentiles, a RabbitMQ vhost, CPU accounting.

Importing this module puts the repository root on ``sys.path`` so that a benchmark run
as a script (``uv run python bench/system_bench.py``) can reuse ``tests.e2e``.
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "HOST",
    "ROOT",
    "CpuMeter",
    "CpuSnapshot",
    "CpuUsage",
    "Spread",
    "Vhost",
    "ms",
    "sleep_until",
]

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


async def sleep_until(deadline: float) -> None:
    """Sleep until ``time.perf_counter()`` reaches ``deadline`` (at once if it has)."""
    delay = deadline - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


@dataclass(frozen=True)
class Spread:
    """Count and nearest-rank percentiles of some latencies, in seconds."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        """The spread of ``values`` (NaN percentiles when there are none)."""
        ordered = sorted(values)
        if not ordered:
            nan = math.nan
            return cls(0, nan, nan, nan, nan)

        def rank(q: float) -> float:
            return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

        return cls(len(ordered), rank(0.50), rank(0.95), rank(0.99), ordered[-1])


def ms(seconds: float) -> str:
    """``seconds`` as milliseconds for a table cell, ``-`` when unknown."""
    return "-" if math.isnan(seconds) else f"{seconds * 1e3:,.0f}"


class Vhost:
    """A RabbitMQ vhost of the benchmark's own, so it neither disturbs nor gets disturbed.

    Managed with ``rabbitmqctl`` (the broker runs on this machine); ``delete`` removes it
    with every queue in it, but only when ``ensure`` created it.
    """

    user = "guest"  # the local broker's default account, as in the tests

    def __init__(self, name: str) -> None:
        self.name = name
        self.created = False

    @property
    def amqp_url(self) -> str:
        """The AMQP URL of this vhost on the local broker."""
        vhost = "%2F" if self.name == "/" else self.name
        return f"amqp://{self.user}:{self.user}@{HOST}:5672/{vhost}"

    def ensure(self) -> None:
        """Create the vhost (if missing) and give the user full rights on it."""
        if self.name == "/":
            return
        if self.name not in self._ctl("list_vhosts", "--quiet", "--no-table-headers").split():
            self._ctl("add_vhost", self.name)
            self.created = True
        self._ctl("set_permissions", "-p", self.name, self.user, ".*", ".*", ".*")

    def delete(self) -> None:
        """Delete the vhost if ``ensure`` created it."""
        if self.created:
            self._ctl("delete_vhost", self.name)
            self.created = False

    @staticmethod
    def _ctl(*args: str) -> str:
        ctl = shutil.which("rabbitmqctl")
        if ctl is None:
            sys.exit("rabbitmqctl not found: run on the broker's machine, or pass --vhost /")
        done = subprocess.run(  # noqa: S603 - the local broker's own tool, fixed arguments
            [ctl, *args], capture_output=True, text=True, timeout=60, check=False
        )
        if done.returncode != 0:
            sys.exit(f"rabbitmqctl {' '.join(args)} failed:\n{done.stderr or done.stdout}")
        return done.stdout


@dataclass(frozen=True)
class CpuUsage:
    """CPU used between two snapshots: percent of one core per group, and the machine's."""

    seconds: float
    per_group: dict[str, float]
    machine_busy: float  # percent of all cores
    cores: int

    @property
    def other(self) -> float:
        """Percent of one core used by processes in no group (other work on the machine)."""
        return max(0.0, self.machine_busy * self.cores - sum(self.per_group.values()))


@dataclass(frozen=True)
class CpuSnapshot:
    """Wall time, CPU ticks and group of every grouped process, the machine's ticks."""

    at: float
    processes: dict[int, tuple[str, int]]
    machine: tuple[int, int]


class CpuMeter:
    """CPU time per group of processes, read from ``/proc`` (Linux only).

    Groups: the given service processes (with their children), every ``postgres`` process,
    RabbitMQ's ``beam.smp``, and this process (``bench``). Postgres and RabbitMQ are shared
    with anything else running on the machine; a process that exits between two snapshots
    is not counted (short-lived Postgres backends).
    """

    def __init__(self, services: Mapping[str, int]) -> None:
        self._services = {pid: name for name, pid in services.items()}
        self._tick = os.sysconf("SC_CLK_TCK")
        self._own = os.getpid()
        self.groups = (*services, "postgres", "rabbitmq", "bench")

    def snapshot(self) -> CpuSnapshot:
        """Read every process's CPU time now."""
        processes: dict[int, tuple[str, int]] = {}
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            pid, ppid = int(proc.name), int(fields[1])
            group = self._group(pid, ppid, comm)
            if group is not None:
                processes[pid] = (group, int(fields[11]) + int(fields[12]))  # utime + stime
        return CpuSnapshot(time.perf_counter(), processes, _machine_ticks())

    def usage(self, before: CpuSnapshot, after: CpuSnapshot) -> CpuUsage:
        """What was used between two snapshots."""
        seconds = max(after.at - before.at, 1e-9)
        ticks = dict.fromkeys(self.groups, 0)
        for pid, (group, used) in after.processes.items():
            earlier = before.processes.get(pid)
            ticks[group] += used - (earlier[1] if earlier and earlier[0] == group else 0)
        per_group = {g: 100 * t / self._tick / seconds for g, t in ticks.items()}
        busy = after.machine[0] - before.machine[0]
        total = max(after.machine[1] - before.machine[1], 1)
        return CpuUsage(seconds, per_group, 100 * busy / total, os.cpu_count() or 1)

    def _group(self, pid: int, ppid: int, comm: str) -> str | None:
        if pid in self._services:
            return self._services[pid]
        if ppid in self._services:
            return self._services[ppid]
        if comm == "postgres":
            return "postgres"
        if comm.startswith("beam"):
            return "rabbitmq"
        if pid == self._own:
            return "bench"
        return None


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from ``/proc/stat``."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return total - idle, total
