"""Messages about the AWS profile: which one was selected, by what, and which exist.

safesm never repeats text from the command line, and a profile name given with
--profile is such text. So a profile that is in the AWS config files is named (it is
one of the user's own names, not something mistyped); one that is not is described by
the setting that selected it (--profile, AWS_PROFILE, the config file), next to the list
of the profiles that do exist.
"""

from __future__ import annotations

import os

from .. import errors
from ..config import Settings

CREDENTIALS_HINT = ("Configure credentials (`aws configure --profile NAME`, `aws sso login`), "
                    "or pick a profile with --profile or AWS_PROFILE.")
_NO_CREDENTIALS = {"NoCredentialsError": "no AWS credentials found",
                   "PartialCredentialsError": "the AWS credentials are incomplete"}


def configured_profiles() -> list[str]:
    """The profiles in the AWS config and credentials files, as botocore reads them."""
    import botocore.session

    try:
        return sorted(botocore.session.Session().available_profiles)
    except Exception:  # a broken config file has its own error; here it lists nothing
        return []


def _selected_by(settings: Settings) -> str:
    if settings.profile:
        return settings.sources.get("profile", "--profile")
    return "AWS_DEFAULT_PROFILE" if os.environ.get("AWS_DEFAULT_PROFILE") else "AWS_PROFILE"


def _listing(known: list[str]) -> str:
    return f"the profiles configured are: {', '.join(known)}" if known else \
        "no profiles are configured"


def profile_error(cls: str, settings: Settings) -> errors.SafesmError | None:
    """The message for a missing profile or missing credentials, or None for other errors."""
    if cls == "ProfileNotFound":
        known = configured_profiles()
        return errors.AuthError(
            f"the AWS profile selected by {_selected_by(settings)} is not in your AWS config "
            f"or credentials file (the name given is not shown); {_listing(known)}.",
            "Pass one of those with --profile (or set AWS_PROFILE), or add the profile with "
            "`aws configure --profile NAME`.")
    if cls not in _NO_CREDENTIALS:
        return None
    profile = settings.profile or os.environ.get("AWS_DEFAULT_PROFILE")
    if profile and profile in configured_profiles():
        return errors.AuthError(f"{_NO_CREDENTIALS[cls]} for profile {profile!r} (selected by "
                                f"{_selected_by(settings)}).", CREDENTIALS_HINT)
    return errors.AuthError(f"{_NO_CREDENTIALS[cls]}.", CREDENTIALS_HINT)
