"""``ProviderContract``: the behaviour every provider shares, run once per provider.

A provider's test module subclasses it and states the provider class, two distinct
secrets, whether the scheme carries a timestamp, how the provider's sender signs (an
implementation independent of the code under test), and the kind every recorded fixture
in ``tests/fixtures/<provider>/`` normalizes to (``fixture_folder`` and ``fixture_suffix``
say otherwise for a provider with two schemes, or whose bodies are not JSON).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from common.events import ProviderEventKind
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingress.providers import Provider, SignatureError, SignatureFailure, WebhookRequest

FIXTURES = Path(__file__).parents[2] / "fixtures"
NOW = 1_700_000_000


class ProviderContract:
    """Subclass as ``Test<Name>Contract`` and fill in the class attributes and ``sign``."""

    provider_class: ClassVar[type[Provider]]
    secrets: ClassVar[tuple[str, str]]
    fixture_kinds: ClassVar[dict[str, ProviderEventKind]]
    fixture_folder: ClassVar[str | None] = None
    fixture_suffix: ClassVar[str] = ".json"

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        """The request the provider would send for ``body``."""
        raise NotImplementedError

    def provider(self, *secrets: str, now: float = NOW) -> Provider:
        """The provider under test, configured with ``secrets``, at time ``now``."""
        return self.provider_class(list(secrets), tolerance_seconds=300, clock=lambda: now)

    @property
    def fixture_dir(self) -> Path:
        """``tests/fixtures/<fixture_folder>``, the provider's name by default."""
        return FIXTURES / (self.fixture_folder or self.provider_class.name)

    def fixture(self, name: str) -> bytes:
        """A recorded payload of this provider."""
        return (self.fixture_dir / f"{name}{self.fixture_suffix}").read_bytes()

    @property
    def body(self) -> bytes:
        """Any recorded payload, for the signature tests."""
        return self.fixture(next(iter(self.fixture_kinds)))

    def test_good_signature_verifies(self) -> None:
        """A request signed with the configured secret verifies against it."""
        request = self.sign(self.body, self.secrets[0], NOW)
        assert self.provider(self.secrets[0]).verify(request) == 0

    def test_tampered_body_is_refused(self) -> None:
        """A body changed after signing is refused."""
        request = self.sign(self.body, self.secrets[0], NOW)
        tampered = WebhookRequest(request.body + b" ", request.headers)
        with pytest.raises(SignatureError) as refused:
            self.provider(self.secrets[0]).verify(tampered)
        assert refused.value.failure is SignatureFailure.MISMATCH

    def test_wrong_secret_is_refused(self) -> None:
        """A request signed with another secret is refused."""
        request = self.sign(self.body, self.secrets[1], NOW)
        with pytest.raises(SignatureError) as refused:
            self.provider(self.secrets[0]).verify(request)
        assert refused.value.failure is SignatureFailure.MISMATCH

    def test_rotated_secret_verifies(self) -> None:
        """During a rotation any configured secret verifies; the matching one is reported."""
        request = self.sign(self.body, self.secrets[0], NOW)
        assert self.provider(self.secrets[1], self.secrets[0]).verify(request) == 1

    def test_no_signature_is_refused(self) -> None:
        """A request without the signature headers is refused as missing."""
        with pytest.raises(SignatureError) as refused:
            self.provider(self.secrets[0]).verify(WebhookRequest(self.body))
        assert refused.value.failure is SignatureFailure.MISSING

    # One test function run by every subclass: a different executor each, by design.
    @settings(suppress_health_check=[HealthCheck.differing_executors])
    @given(data=st.data(), body=st.binary(max_size=512))
    def test_arbitrary_headers_only_raise_signature_error(
        self, data: st.DataObject, body: bytes
    ) -> None:
        """Whatever the signature headers hold, verification fails only with SignatureError."""
        headers = {
            name.lower(): data.draw(st.text(max_size=200), label=name)
            for name in self.provider_class.signature_headers
        }
        with pytest.raises(SignatureError):
            self.provider(*self.secrets).verify(WebhookRequest(body, headers))

    def test_every_fixture_is_listed(self) -> None:
        """Every recorded fixture has a stated kind, and every stated kind a fixture."""
        suffix = self.fixture_suffix
        recorded = {path.name.removesuffix(suffix) for path in self.fixture_dir.glob(f"*{suffix}")}
        assert recorded == set(self.fixture_kinds)

    def test_every_fixture_normalizes_to_its_kind(self) -> None:
        """Each recorded payload, signed and verified, normalizes to its stated kind."""
        provider = self.provider(self.secrets[0])
        kinds = {}
        for name in self.fixture_kinds:
            request = self.sign(self.fixture(name), self.secrets[0], NOW)
            provider.verify(request)
            kinds[name] = provider.read_event(request).kind
        assert kinds == self.fixture_kinds


class TimestampedContract(ProviderContract):
    """The contract of a scheme that signs a timestamp: a replay window in both directions."""

    @pytest.mark.parametrize("age", [301, -301, 86_400, -86_400])
    def test_timestamp_outside_window_is_refused(self, age: int) -> None:
        """A stale or future timestamp is refused, however well signed."""
        request = self.sign(self.body, self.secrets[0], NOW - age)
        with pytest.raises(SignatureError) as refused:
            self.provider(self.secrets[0]).verify(request)
        assert refused.value.failure is SignatureFailure.OUTSIDE_WINDOW

    @pytest.mark.parametrize("age", [300, -300, 0])
    def test_timestamp_inside_window_verifies(self, age: int) -> None:
        """A timestamp up to the tolerance away, in either direction, verifies."""
        request = self.sign(self.body, self.secrets[0], NOW - age)
        assert self.provider(self.secrets[0]).verify(request) == 0
