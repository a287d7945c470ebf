"""The explicit provider registry."""

from __future__ import annotations

from collections.abc import Callable

from common.settings import Settings, StripeSettings
from ingress.providers import PROVIDERS, configured_providers


def test_registry_keys_are_provider_names() -> None:
    """Each registry key is the name its provider publishes under."""
    assert {key: cls.name for key, cls in PROVIDERS.items()} == {key: key for key in PROVIDERS}


def test_only_providers_with_a_secret_are_served(make_settings: Callable[..., Settings]) -> None:
    """A provider with a secret is served; one without is left out (its path answers 404)."""
    with_secret = configured_providers(make_settings())
    without = configured_providers(make_settings(stripe=StripeSettings()))
    assert (sorted(with_secret), sorted(without)) == (["stripe"], [])
