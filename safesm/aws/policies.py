"""A secret's resource policy: get, ValidateResourcePolicy, put with BlockPublicPolicy."""

from __future__ import annotations

from typing import Any

from .. import errors
from .client import Connection


class PolicyCalls(Connection):
    def get_policy(self, name: str) -> str | None:
        """The secret's resource policy as text, or None when it has none."""
        with self.translate(name):
            policy = self.client.get_resource_policy(SecretId=name).get("ResourcePolicy")
        return str(policy) if policy else None

    def validate_policy(self, policy: str, name: str | None = None) -> list[tuple[str, str]]:
        """ValidateResourcePolicy's findings as (check, message); empty when it passed."""
        kwargs: dict[str, Any] = {"ResourcePolicy": policy}
        if name:
            kwargs["SecretId"] = name
        with self.translate(name):
            resp = self.client.validate_resource_policy(**kwargs)
        if resp.get("PolicyValidationPassed"):
            return []
        found = [(str(e.get("CheckName", "?")), str(e.get("ErrorMessage", "")))
                 for e in resp.get("ValidationErrors", []) or []]
        return found or [("?", "the policy did not pass validation")]

    def put_policy(self, name: str, policy: str, validated: bool = False) -> None:
        """Validate (unless the caller just did), then put with BlockPublicPolicy=True:
        a finding stops the write with PolicyError and the old policy stays."""
        if not validated:
            problems = self.validate_policy(policy, name)
            if problems:
                detail = "; ".join(f"{check}: {msg}" for check, msg in problems)
                raise errors.PolicyError(
                    f"Secrets Manager's policy validation refused the policy for {name!r} "
                    f"({detail}); nothing was changed.",
                    "Check it with `safesm policy lint --file FILE` and try again.")
        with self.translate(name):
            self.client.put_resource_policy(SecretId=name, ResourcePolicy=policy,
                                            BlockPublicPolicy=True)

    def delete_policy(self, name: str) -> None:
        """Remove the secret's resource policy (revoke took away the last Allow)."""
        with self.translate(name):
            self.client.delete_resource_policy(SecretId=name)
