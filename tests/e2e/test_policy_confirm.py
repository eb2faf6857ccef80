"""Limiting access on a secret made outside safesm asks a person first, in plain words
(issue 17, item 1): the installed safesm under a real pty."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

APP = "arn:aws:iam::123456789012:role/app"


@pytest.mark.parametrize("argv", [
    ["policy", "grant", "db/prod", "--read", APP, "--start-from-default"],
    ["policy", "apply", "db/prod", "--default"],
])
def test_no_changes_nothing_and_yes_installs_the_default(aws, sm, terminal, argv):
    sm.create_secret(Name="db/prod", SecretString="v")
    t = terminal(*argv)
    t.expect(r"Limit access to db/prod like that\? \[y/N\]")
    screen = t.screen.decode()
    assert "db/prod has no resource policy: today anyone your account's IAM" in screen
    assert "every other user, role and application loses that access" in screen
    t.type("n\r")
    assert t.finish() == 5
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="db/prod")

    t = terminal(*argv)
    t.expect(r"\[y/N\]")
    t.type("y\r")
    assert t.finish() == 0
    assert "SafesmDenyReadExceptReaders" in sm.get_resource_policy(
        SecretId="db/prod")["ResourcePolicy"]


def test_a_plain_grant_asks_nothing_and_cuts_nobody_off(aws, sm, terminal):
    sm.create_secret(Name="db/prod", SecretString="v")
    t = terminal("policy", "grant", "db/prod", "--read", APP)
    assert t.finish() == 0
    assert b"[y/N]" not in t.screen
    assert "Deny" not in sm.get_resource_policy(SecretId="db/prod")["ResourcePolicy"]
