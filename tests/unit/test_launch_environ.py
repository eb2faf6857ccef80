"""The environment `exec` gives its command (pure)."""

from __future__ import annotations

from safesm.launch.environ import MARKER, base, child, nested

PARENT = {"PATH": "/bin", "HOME": "/h", "LC_ALL": "C", "EDITOR": "vi",
          "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
          "AWS_SECURITY_TOKEN": "t", "AWS_PROFILE": "p", "AWS_REGION": "r"}


def test_long_term_credentials_are_left_out_by_default():
    env, dropped = base(PARENT)
    assert dropped == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                       "AWS_SECURITY_TOKEN"]
    assert not set(dropped) & set(env)
    assert env["AWS_PROFILE"] == "p" and env["EDITOR"] == "vi"


def test_credentials_kept_when_asked():
    env, dropped = base(PARENT, keep_aws_credentials=True)
    assert dropped == [] and env["AWS_SECRET_ACCESS_KEY"] == "s"


def test_pristine_keeps_only_the_basics():
    env, _ = base(PARENT, pristine=True)
    assert env == {"PATH": "/bin", "HOME": "/h", "LC_ALL": "C"}


def test_the_marker_holds_no_value_and_is_not_inherited():
    env, _ = base({**PARENT, MARKER: "1"})
    assert MARKER not in env
    out = child(env, {"DB": "v"})
    assert out[MARKER] == "1" and out["DB"] == "v"
    assert nested(out) and not nested(PARENT)
