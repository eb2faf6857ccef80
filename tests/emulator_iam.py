"""Emulator extension (test-only): IAM enforcement that scopes Secrets Manager calls to the
secret, as AWS does.

With enforcement on (POST /moto-api/reset-auth), moto authorizes every Secrets Manager
call against the resource "*", so a statement scoped to a secret's ARN never matches; and
its pattern matching turns only "*" into a wildcard, so "?" (as in the `-??????` suffix
of `safesm policy iam`) is a regular-expression error (HTTP 500). Here:

- a call naming a secret (SecretId) is authorized against that secret's ARN; CreateSecret
  against the ARN the new secret would get (its name and a 6-character suffix); calls
  naming no secret (ListSecrets, BatchGetSecretValue, GetRandomPassword) against "*";
- Action and Resource patterns follow IAM: "*" any run of characters, "?" exactly one,
  everything else literal.
"""

from __future__ import annotations

import re
from typing import Any

TARGETS = (
    "moto.iam.access_control:IAMPolicyStatement._match",
    "moto.secretsmanager.responses:SecretsManagerResponse._get_param",
    "moto.secretsmanager.responses:SecretsManagerResponse.backend",
    "moto.secretsmanager.models:SecretsManagerBackend.describe_secret",
)
NEW_SECRET_SUFFIX = "-Ab1Cd2"  # what CreateSecret is authorized against: NAME + a suffix


def iam_match(pattern: str, string: str) -> re.Match[str] | None:
    """IAM's wildcard matching: * and ? over the whole string, the rest literal."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, string, flags=re.DOTALL)


def _secret_arn(response: Any) -> str:
    """The ARN the call is about, or "*"."""
    from moto.secretsmanager.exceptions import SecretsManagerClientError

    region, account = response.region, response.current_account
    name = response._get_param("Name") if response._get_action() == "CreateSecret" else None
    if name:
        return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}{NEW_SECRET_SUFFIX}"
    secret_id = response._get_param("SecretId")
    if not secret_id:
        return "*"
    try:
        return str(response.backend.describe_secret(secret_id).arn)
    except SecretsManagerClientError:  # no such secret: what it was called is all there is
        return str(secret_id) if str(secret_id).startswith("arn:") else \
            f"arn:aws:secretsmanager:{region}:{account}:secret:{secret_id}"


def install() -> None:
    from moto.iam.access_control import IAMPolicyStatement
    from moto.secretsmanager.responses import SecretsManagerResponse

    try:  # run as a script (python tests/emulator.py): tests/ is on sys.path
        from emulator import check_targets
    except ImportError:
        from tests.emulator import check_targets

    check_targets(TARGETS)
    IAMPolicyStatement._match = staticmethod(iam_match)  # type: ignore[method-assign]
    SecretsManagerResponse._determine_resource = _secret_arn  # type: ignore[attr-defined]
