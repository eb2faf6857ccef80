"""Would a resource policy deny the rotation Lambda's role? (Deny statements only.)"""

from __future__ import annotations

import pytest

from safesm.policy import AllowLists, default_policy
from safesm.policy_eval import DENIED, NOT_DENIED, UNKNOWN, rotator_verdicts, verdict

ME = "arn:aws:iam::111122223333:user/alice"
ROLE = "arn:aws:iam::111122223333:role/service-role/rotator"


def outcomes(doc, principal=ROLE):
    return {v.action.split(":")[1]: v.outcome for v in rotator_verdicts(doc, principal)}


def test_safesms_default_denies_an_unlisted_rotator_read_and_write():
    doc = default_policy(AllowLists((ME,), (ME,)), "111122223333")
    assert outcomes(doc) == {"GetSecretValue": DENIED, "PutSecretValue": DENIED,
                             "UpdateSecretVersionStage": DENIED, "DescribeSecret": NOT_DENIED}
    assert outcomes(doc, ME) == dict.fromkeys(outcomes(doc), NOT_DENIED)


def test_listed_rotator_is_not_denied():
    doc = default_policy(AllowLists((ME, ROLE), (ME, ROLE)), "111122223333")
    assert set(outcomes(doc).values()) == {NOT_DENIED}


def test_reader_only_is_still_denied_writing():
    doc = default_policy(AllowLists((ME, ROLE), (ME,)), "111122223333")
    assert outcomes(doc)["GetSecretValue"] == NOT_DENIED
    assert outcomes(doc)["PutSecretValue"] == DENIED


def test_no_policy_denies_nothing():
    assert set(outcomes(None).values()) == {NOT_DENIED}


def deny(condition=None, **extra):
    st = {"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*",
          **extra}
    if condition:
        st["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [st]}


@pytest.mark.parametrize("doc, outcome", [
    (deny(), DENIED),
    (deny({"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}), NOT_DENIED),
    (deny({"StringNotEquals": {"aws:PrincipalAccount": "999999999999"}}), DENIED),
    (deny({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}), NOT_DENIED),
    (deny({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/service-role/*"}}), DENIED),
    (deny({"StringNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:user/*"]}}), DENIED),
    (deny({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}), UNKNOWN),
    (deny({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}), UNKNOWN),
    # one condition false is enough, even beside one that cannot be judged
    (deny({"StringNotEquals": {"aws:SourceVpce": "vpce-1",
                               "aws:PrincipalAccount": "111122223333"}}), NOT_DENIED),
    (deny(Action="secretsmanager:DeleteSecret"), NOT_DENIED),
    (deny(NotPrincipal={"AWS": ROLE}), NOT_DENIED),
    (deny(NotPrincipal={"AWS": "arn:aws:iam::111122223333:root"}), NOT_DENIED),
    (deny(Principal={"AWS": "111122223333"}), DENIED),
    (deny(Principal={"Service": "lambda.amazonaws.com"}), NOT_DENIED),
])
def test_deny_statements(doc, outcome):
    assert verdict(doc, ROLE, "secretsmanager:GetSecretValue").outcome == outcome


def test_not_action():
    doc = deny(NotAction="secretsmanager:Describe*")
    doc["Statement"][0].pop("Action")
    assert verdict(doc, ROLE, "secretsmanager:DescribeSecret").outcome == NOT_DENIED
    assert verdict(doc, ROLE, "secretsmanager:PutSecretValue").outcome == DENIED


def test_the_denying_statement_is_named():
    allow = {"Effect": "Allow", "Principal": "*", "Action": "*"}
    doc = {"Statement": [allow, deny()["Statement"][0]]}
    assert verdict(doc, ROLE, "secretsmanager:GetSecretValue").statement == 1
