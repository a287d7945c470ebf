"""When a session's payment is checked against the provider's status API.

A schedule is a list of delays: the first counts from the session's creation (or from a
refund request), each next one from the previous check, and the last repeats. It is
written compactly, ``60,300x5,3600``: after 1 minute, then every 5 minutes five times,
then hourly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

__all__ = ["DEFAULT_SCHEDULE", "Schedule"]

_STEP = re.compile(r"^(\d+)(?:x([1-9]\d*))?$")


@dataclass(frozen=True, slots=True)
class Schedule:
    """Delays between status checks, in seconds; the last one repeats."""

    delays: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.delays or any(delay <= 0 for delay in self.delays):
            raise ValueError("a schedule needs at least one delay, each over 0 seconds")

    def delay(self, attempt: int) -> timedelta:
        """How long to wait before check number ``attempt`` (0 is the first)."""
        return timedelta(seconds=self.delays[min(attempt, len(self.delays) - 1)])

    @classmethod
    def parse(cls, text: str) -> Schedule:
        """Read ``60,300x5,3600``: seconds, ``x<n>`` repeating a step ``n`` times."""
        delays: list[int] = []
        for step in text.split(","):
            match = _STEP.match(step.strip())
            if match is None:
                raise ValueError(f"{step.strip()!r} is not <seconds> or <seconds>x<count>")
            delays.extend([int(match[1])] * int(match[2] or 1))
        return cls(tuple(delays))

    @classmethod
    def coerce(cls, value: Any) -> Any:
        """A ``Schedule`` from its text form; anything else is left to validation."""
        return cls.parse(value) if isinstance(value, str) else value

    def __str__(self) -> str:
        return ",".join(str(delay) for delay in self.delays)


DEFAULT_SCHEDULE = Schedule.parse("60,300x5,3600")
"""After 1 minute, then every 5 minutes five times, then hourly."""
