"""Fake upstream servers for ingress's tests: real HTTP on loopback, real wire formats."""

from .ledger import FakeLedger
from .loopback import closed_port_url, serve
from .pi_platform import FakePiPlatform

__all__ = ["FakeLedger", "FakePiPlatform", "closed_port_url", "serve"]
