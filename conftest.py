"""Isolation for the whole test run, loaded before any test module.

Tests talk to RabbitMQ's ``paywire_test`` vhost (``scripts/ensure-services.sh`` creates
it), so a developer's running system and the tests never consume each other's
messages, and they ignore the developer's ``.env``. Override with
``PAYWIRE_TEST_AMQP_URL`` and ``PAYWIRE_TEST_DB_PREFIX``.
"""

from __future__ import annotations

import os

TEST_AMQP_URL = os.environ.setdefault(
    "PAYWIRE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/paywire_test"
)
os.environ["PAYWIRE_AMQP_URL"] = TEST_AMQP_URL
# Every test database is named ``<prefix>_<name>``: two checkouts testing at once on one
# machine each set their own prefix (and vhost) and never drop each other's databases.
TEST_DB_PREFIX = os.environ.setdefault("PAYWIRE_TEST_DB_PREFIX", "paywire_test")
os.environ["PAYWIRE_ENV_FILE"] = ""
