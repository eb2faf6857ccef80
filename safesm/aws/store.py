"""SecretStore: every Secrets Manager and STS call safesm makes, in one object.

Operations (safesm/ops/) take a SecretStore and plain arguments; tests of pure logic
may pass any object with the same methods.
"""

from __future__ import annotations

from .cloudtrail import TrailCalls
from .identity import IdentityCalls
from .inventory import InventoryCalls
from .kms import KmsCalls
from .policies import PolicyCalls
from .secrets import BATCH_SIZE, SecretCalls

__all__ = ["BATCH_SIZE", "SecretStore"]


class SecretStore(SecretCalls, PolicyCalls, IdentityCalls, InventoryCalls, KmsCalls,
                  TrailCalls):
    """Values and metadata (secrets.py), resource policies (policies.py), identity
    (identity.py), the audit's listing (inventory.py) and key facts (kms.py), CloudTrail
    event history (cloudtrail.py), over one set of credentials and one error translation
    (client.py)."""
