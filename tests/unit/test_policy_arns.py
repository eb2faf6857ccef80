"""Principal ARNs: the caller's ARN as aws:PrincipalArn holds it, and patterns that match it."""

from __future__ import annotations

import pytest

from safesm.arns import (
    account_of,
    arn_like,
    collapse,
    principal_arn,
    principal_patterns,
)
from safesm.errors import ExitCode, UsageError

ACCT = "111122223333"


def matches(principal: str, actual_arn: str) -> bool:
    """Would aws:PrincipalArn == actual_arn be on an allow-list holding this principal?"""
    return any(arn_like(p, actual_arn) for p in principal_patterns(principal))


@pytest.mark.parametrize(("caller", "principal"), [
    # an IAM user, with and without a path: unchanged
    (f"arn:aws:iam::{ACCT}:user/alice", f"arn:aws:iam::{ACCT}:user/alice"),
    (f"arn:aws:iam::{ACCT}:user/division/team/alice",
     f"arn:aws:iam::{ACCT}:user/division/team/alice"),
    # an assumed role: the session ARN becomes the role ARN
    (f"arn:aws:sts::{ACCT}:assumed-role/deploy/ci-run-42", f"arn:aws:iam::{ACCT}:role/deploy"),
    # a role with a path, given as a role ARN: unchanged
    (f"arn:aws:iam::{ACCT}:role/team/app/deploy", f"arn:aws:iam::{ACCT}:role/team/app/deploy"),
    # an IAM Identity Center (SSO) role: under aws-reserved/sso.amazonaws.com/
    (f"arn:aws:sts::{ACCT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com",
     f"arn:aws:iam::{ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"),
    # the account root
    (f"arn:aws:iam::{ACCT}:root", f"arn:aws:iam::{ACCT}:root"),
    # other partitions and federated users
    (f"arn:aws-cn:sts::{ACCT}:assumed-role/r/s", f"arn:aws-cn:iam::{ACCT}:role/r"),
    (f"arn:aws-us-gov:iam::{ACCT}:user/bob", f"arn:aws-us-gov:iam::{ACCT}:user/bob"),
    (f"arn:aws:sts::{ACCT}:federated-user/bob", f"arn:aws:sts::{ACCT}:federated-user/bob"),
    ("  arn:aws:iam::111122223333:root\n", f"arn:aws:iam::{ACCT}:root"),
])
def test_principal_arn_conversion(caller, principal):
    assert principal_arn(caller) == principal


def test_assumed_role_matches_the_role_wherever_its_path_is():
    role = principal_arn(f"arn:aws:sts::{ACCT}:assumed-role/deploy/session")
    assert matches(role, f"arn:aws:iam::{ACCT}:role/deploy")
    assert matches(role, f"arn:aws:iam::{ACCT}:role/team/deploy")
    assert matches(role, f"arn:aws:iam::{ACCT}:role/a/b/c/deploy")
    for other in ("role/xdeploy", "role/deploy2", "role/team/xdeploy", "role/deploy/x",
                  "user/deploy"):
        assert not matches(role, f"arn:aws:iam::{ACCT}:{other}"), other
    assert not matches(role, "arn:aws:iam::999988887777:role/deploy")


def test_sso_role_matches_with_and_without_the_region_segment():
    role = principal_arn(
        f"arn:aws:sts::{ACCT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice")
    base = f"arn:aws:iam::{ACCT}:role/aws-reserved/sso.amazonaws.com/"
    assert matches(role, base + "AWSReservedSSO_Admin_0123456789abcdef")
    assert matches(role, base + "eu-west-2/AWSReservedSSO_Admin_0123456789abcdef")
    assert not matches(role, base + "AWSReservedSSO_Admin_fedcba9876543210")
    assert not matches(role, base + "eu-west-2/AWSReservedSSO_ReadOnly_0123456789abcdef")


def test_exact_principals_get_exactly_one_pattern():
    for p in (f"arn:aws:iam::{ACCT}:user/alice", f"arn:aws:iam::{ACCT}:root",
              f"arn:aws:iam::{ACCT}:role/team/deploy"):
        assert principal_patterns(p) == [p]
    assert not matches(f"arn:aws:iam::{ACCT}:role/team/deploy", f"arn:aws:iam::{ACCT}:role/deploy")


def test_collapse_undoes_the_patterns():
    principals = [f"arn:aws:iam::{ACCT}:user/alice", f"arn:aws:iam::{ACCT}:role/deploy",
                  principal_arn(f"arn:aws:sts::{ACCT}:assumed-role/AWSReservedSSO_X_1/s"),
                  f"arn:aws:iam::{ACCT}:role/team/app"]
    patterns = [p for x in principals for p in principal_patterns(x)]
    assert len(patterns) == 6
    assert collapse(patterns) == principals
    # a lone path pattern written by hand stays visible
    assert collapse([f"arn:aws:iam::{ACCT}:role/*/x"]) == [f"arn:aws:iam::{ACCT}:role/*/x"]


@pytest.mark.parametrize(("bad", "why"), [
    (f"arn:aws:iam::{ACCT}:group/admins", "group"),
    (f"arn:aws:iam::{ACCT}:role/*", "wildcard"),
    ("arn:aws:iam::*:root", "wildcard"),
    ("*", "wildcard"),
    (f"arn:aws:iam::{ACCT}1:root", "not a principal"),
    ("arn:aws:s3:::bucket", "not a principal"),
    (f"arn:aws:sts::{ACCT}:assumed-role/only-role", "not a principal"),
    (ACCT, "not a principal"),
    ("alice", "not a principal"),
    ("", "not a principal"),
])
def test_bad_principals_are_usage_errors(bad, why):
    with pytest.raises(UsageError) as exc:
        principal_arn(bad)
    assert why in exc.value.message
    assert exc.value.exit_code == ExitCode.USAGE
    assert "arn:aws:iam::ACCOUNT:role/NAME" in exc.value.hint


def test_arn_like_wildcards_stay_within_a_part():
    assert arn_like("arn:aws:iam::*:root", f"arn:aws:iam::{ACCT}:root")
    assert arn_like(f"arn:aws:iam::{ACCT}:role/app-?", f"arn:aws:iam::{ACCT}:role/app-1")
    assert not arn_like(f"arn:aws:iam::{ACCT}:role/app-?", f"arn:aws:iam::{ACCT}:role/app-10")
    assert not arn_like("arn:aws:iam::*", f"arn:aws:iam::{ACCT}:root")
    assert not arn_like("arn:*:root", f"arn:aws:iam::{ACCT}:root")


def test_account_of():
    assert account_of(f"arn:aws:iam::{ACCT}:root") == ACCT
    assert account_of(ACCT) == ACCT
    assert account_of("arn:aws:iam::*:root") is None
    assert account_of("arn:aws:s3:::bucket") is None
