"""SecretStore: every Secrets Manager and STS call safesm makes, in one object.

Operations (safesm/ops/) take a SecretStore and plain arguments; tests of pure logic
may pass any object with the same methods.
"""

from __future__ import annotations

from .cloudtrail import TrailCalls
from .identity import IdentityCalls
from .inventory import InventoryCalls
from .kms import KmsCalls
from .lambdas import LambdaCalls
from .policies import PolicyCalls
from .replication import ReplicationCalls
from .rotation import RotationCalls
from .secrets import BATCH_SIZE, SecretCalls

__all__ = ["BATCH_SIZE", "SecretStore"]


class SecretStore(SecretCalls, PolicyCalls, RotationCalls, ReplicationCalls, LambdaCalls,
                  IdentityCalls, InventoryCalls, KmsCalls, TrailCalls):
    """Values and metadata (secrets.py), resource policies (policies.py), rotation
    (rotation.py), replication (replication.py), Lambda (lambdas.py), identity
    (identity.py), the audit's listing (inventory.py), key facts (kms.py) and CloudTrail
    event history (cloudtrail.py), over one client and one error translation (client.py);
    clients for other services and Regions share its credentials."""
