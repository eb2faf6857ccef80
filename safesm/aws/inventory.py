"""Every secret's metadata in one pass, for `safesm audit`: ListSecrets with its full entries
(rotation rules, last rotated/accessed, stages, tags), never a value."""

from __future__ import annotations

from typing import Any

from ..models import SecretInfo
from .client import Connection
from .secrets import info_from


class InventoryCalls(Connection):
    def region_name(self) -> str:
        """The Region this store talks to (as botocore resolved it)."""
        return str(self.client.meta.region_name or "")

    def inventory(self, prefix: str | None = None) -> list[SecretInfo]:
        """Every secret (those scheduled for deletion too), as SecretInfo, sorted by name.

        ListSecrets already carries what the audit needs but the resource policy and the
        replication status, so 2,000 secrets cost 20 requests here."""
        kwargs: dict[str, Any] = {"MaxResults": 100, "IncludePlannedDeletion": True}
        if prefix:
            kwargs["Filters"] = [{"Key": "name", "Values": [prefix]}]
        out: list[SecretInfo] = []
        with self.translate():
            for page in self.client.get_paginator("list_secrets").paginate(**kwargs):
                out.extend(info_from(d) for d in page["SecretList"])
        if prefix:  # the service filter matches prefixes of any word; keep true prefixes
            out = [s for s in out if s.name.startswith(prefix)]
        return sorted(out, key=lambda s: s.name)
