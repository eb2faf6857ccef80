"""Pure: the environment the command of `safesm exec` gets.

Inherited variables, minus the parent's long-term AWS credentials (unless kept), or only
a few basics with `--pristine`; then the injected variables; then the marker that tells
a nested `safesm exec` it is nested (it holds "1", never a value).
"""

from __future__ import annotations

from collections.abc import Mapping

MARKER = "SAFESM_EXEC"
AWS_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                   "AWS_SECURITY_TOKEN")  # the last: the old name of the session token
PRISTINE_KEEP = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LANGUAGE",
                 "TZ", "TMPDIR")


def _kept(name: str, pristine: bool) -> bool:
    return not pristine or name in PRISTINE_KEEP or name.startswith("LC_")


def base(inherited: Mapping[str, str], pristine: bool = False,
         keep_aws_credentials: bool = False) -> tuple[dict[str, str], list[str]]:
    """(what the command inherits, the credential variables left out)."""
    env = {k: v for k, v in inherited.items() if _kept(k, pristine) and k != MARKER}
    dropped = []
    if not keep_aws_credentials:
        dropped = [k for k in AWS_CREDENTIALS if k in env]
        for k in dropped:
            del env[k]
    return env, dropped


def child(inherited: dict[str, str], injected: Mapping[str, str]) -> dict[str, str]:
    return {**inherited, **injected, MARKER: "1"}


def nested(environ: Mapping[str, str]) -> bool:
    return MARKER in environ
