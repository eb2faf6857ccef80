"""Replication of a secret to other Regions: add, remove, and promote a replica
(StopReplicationToReplica, which AWS takes only in the replica's own Region)."""

from __future__ import annotations

from typing import Any

from ..models import Replica
from .client import Connection


class ReplicationCalls(Connection):
    def replicate(self, name: str, regions: list[tuple[str, str | None]],
                  overwrite: bool = False) -> tuple[Replica, ...]:
        """ReplicateSecretToRegions; every Region's status afterwards."""
        wanted = [{"Region": r, **({"KmsKeyId": k} if k else {})} for r, k in regions]
        with self.translate(name):
            resp = self.client.replicate_secret_to_regions(
                SecretId=name, AddReplicaRegions=wanted, ForceOverwriteReplicaSecret=overwrite)
        return _replicas(resp)

    def remove_replicas(self, name: str, regions: list[str]) -> tuple[Replica, ...]:
        with self.translate(name):
            resp = self.client.remove_regions_from_replication(
                SecretId=name, RemoveReplicaRegions=regions)
        return _replicas(resp)

    def stop_replication(self, name: str, region: str) -> str:
        """Make the replica in `region` a standalone secret; its ARN."""
        with self.translate(name):
            resp = self.sibling_client("secretsmanager", region).stop_replication_to_replica(
                SecretId=name)
        return str(resp.get("ARN", ""))


def _replicas(resp: dict[str, Any]) -> tuple[Replica, ...]:
    return tuple(Replica.from_status(r) for r in resp.get("ReplicationStatus", []) or [])
