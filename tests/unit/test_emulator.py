"""The emulator refuses to start on a moto that moved something it patches, naming it."""

from __future__ import annotations

import pytest

from tests import emulator


def test_every_patch_target_is_in_the_installed_moto():
    assert emulator.missing_targets() == []


def test_a_missing_target_is_named_with_the_moto_version():
    from importlib.metadata import version

    targets = ("moto.sts.models:STSBackend.get_caller_identity",
               "moto.sts.models:STSBackend.no_such_call",
               "moto.no_such_module:Anything")
    with pytest.raises(emulator.MotoMismatch) as err:
        emulator.check_targets(targets)
    message = str(err.value)
    assert "moto.sts.models.STSBackend.no_such_call" in message
    assert "moto.no_such_module.Anything" in message
    assert "get_caller_identity" not in message
    assert f"moto {version('moto')}" in message and "pyproject.toml" in message


def test_nothing_is_patched_when_a_target_is_missing(monkeypatch):
    from moto.secretsmanager.responses import SecretsManagerResponse

    before = SecretsManagerResponse.put_resource_policy
    monkeypatch.setattr(emulator, "PATCH_TARGETS",
                        (*emulator.PATCH_TARGETS, "moto.server:no_such_function"))
    with pytest.raises(emulator.MotoMismatch, match="moto.server.no_such_function"):
        emulator.install_extensions()
    assert SecretsManagerResponse.put_resource_policy is before
    assert not hasattr(SecretsManagerResponse, "validate_resource_policy")



def test_emulator_iam_matching_is_iams():
    from tests.emulator_iam import iam_match

    pattern = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-??????"
    assert iam_match(pattern, "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbC123")
    assert not iam_match(pattern, "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-x")
    assert not iam_match(pattern, "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/dbx"
                                  "-AbC123")
    assert iam_match("secretsmanager:*", "secretsmanager:GetSecretValue")
    assert not iam_match("a.c", "abc")  # "." is literal, as in IAM
    assert iam_match("*", "anything at all")
