"""Who is calling: STS GetCallerIdentity with the Secrets Manager client's credentials."""

from __future__ import annotations

from .client import Connection


class IdentityCalls(Connection):
    def caller_arn(self) -> str:
        """Who is calling, as STS GetCallerIdentity says (a session ARN for roles)."""
        with self.translate():
            return str(self.sibling_client("sts").get_caller_identity()["Arn"])
