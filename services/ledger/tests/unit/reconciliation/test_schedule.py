"""The status-check schedule: its compact text form, per-provider overrides, backoff."""

from datetime import timedelta

import pytest
from ledger.reconciliation.schedule import DEFAULT_SCHEDULE, Schedule
from ledger.reconciliation.settings import ReconcileSettings
from ledger.settings import LedgerSettings
from pydantic import ValidationError


def test_the_default_is_a_minute_then_five_minutes_five_times_then_hourly() -> None:
    """Check n waits the n-th delay; past the list, the last delay repeats."""
    waits = [DEFAULT_SCHEDULE.delay(n) for n in range(9)]
    assert waits == [timedelta(minutes=1)] + [timedelta(minutes=5)] * 5 + [timedelta(hours=1)] * 3


def test_the_text_form_reads_steps_and_repeats() -> None:
    """``30,120x3,1800``: 30 s, three times 120 s, then 1800 s; it prints back the same."""
    schedule = Schedule.parse(" 30, 120x3 ,1800")
    assert (schedule, str(schedule)) == (
        Schedule((30, 120, 120, 120, 1800)),
        "30,120,120,120,1800",
    )


@pytest.mark.parametrize("text", ["", "60,", "x3", "60x", "-5", "1.5", "0", "60x0"])
def test_a_malformed_schedule_is_refused(text: str) -> None:
    """Anything but positive whole seconds with optional positive repeats is an error."""
    with pytest.raises(ValueError, match=r"schedule|seconds"):
        Schedule.parse(text)


def test_the_environment_sets_the_schedule_and_per_provider_overrides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``PAYWIRE_RECONCILE__SCHEDULE`` for all, ``__PROVIDERS__<NAME>`` for one provider."""
    monkeypatch.setenv("PAYWIRE_RECONCILE__SCHEDULE", "120,600x2,7200")
    monkeypatch.setenv("PAYWIRE_RECONCILE__PROVIDERS__RAZORPAY", "30,60")
    reconcile = LedgerSettings(_env_file=None).reconcile
    assert (reconcile.schedule_for("stripe"), reconcile.schedule_for("razorpay")) == (
        Schedule((120, 600, 600, 7200)),
        Schedule((30, 60)),
    )


def test_a_bad_schedule_in_the_environment_stops_the_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A schedule that does not parse is a settings error, not a silent default."""
    monkeypatch.setenv("PAYWIRE_RECONCILE__SCHEDULE", "soon")
    with pytest.raises(ValidationError, match="'soon' is not <seconds> or <seconds>x<count>"):
        LedgerSettings(_env_file=None)


def test_backoff_doubles_up_to_its_cap() -> None:
    """30 s after the first failure, doubling per failure, never over the maximum."""
    settings = ReconcileSettings(backoff_seconds=30, max_backoff_seconds=300)
    assert [settings.backoff(n).total_seconds() for n in range(1, 7)] == [
        30,
        60,
        120,
        240,
        300,
        300,
    ]
