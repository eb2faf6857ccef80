"""KMS: what `safesm audit` needs to know about a secret's key (DescribeKey, GetKeyPolicy)."""

from __future__ import annotations

from ..models import KeyFacts
from .client import Connection


class KmsCalls(Connection):
    def key_facts(self, key_id: str) -> KeyFacts:
        """The key's ARN, who manages it (AWS or CUSTOMER) and, for a customer managed key,
        its key policy text. `key_id` may be an id, an ARN or an alias."""
        kms = self.sibling_client("kms")
        with self.translate():
            meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
            arn, manager = str(meta.get("Arn", key_id)), str(meta.get("KeyManager", "CUSTOMER"))
            if manager == "AWS":
                return KeyFacts(arn, manager, None)
            policy = kms.get_key_policy(KeyId=arn, PolicyName="default").get("Policy")
        return KeyFacts(arn, manager, str(policy) if policy else None)
