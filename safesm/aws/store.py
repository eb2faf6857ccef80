"""SecretStore: every Secrets Manager and STS call safesm makes, in one object.

Operations (safesm/ops/) take a SecretStore and plain arguments; tests of pure logic
may pass any object with the same methods.
"""

from __future__ import annotations

from .identity import IdentityCalls
from .policies import PolicyCalls
from .secrets import BATCH_SIZE, SecretCalls

__all__ = ["BATCH_SIZE", "SecretStore"]


class SecretStore(SecretCalls, PolicyCalls, IdentityCalls):
    """Values and metadata (secrets.py), resource policies (policies.py), identity
    (identity.py), over one client and one error translation (client.py)."""
