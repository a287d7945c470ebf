"""Fakes of the ledger's own ports for its tests (``gateway.FakeGateway``); the fake
provider APIs served over HTTP are shared by every service in ``tests/fakes``."""
